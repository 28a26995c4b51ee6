/** Black-box scenarios for SPEC 11 and 15: tracker faults, opaque IDs, the tracker tool, secret handling. */
import { check, field, isAlive, ScenarioSkipped, waitUntil } from "../harness.ts";
import { LONG_TURN, type Scenario } from "./shared.ts";

export const trackerScenarios: Scenario[] = [
  {
    name: "tracker-faults",
    title: "survives tracker failures: startup cleanup, candidate fetch and refresh errors",
    requirements: [
      "S8.6-cleanup-fetch-failure",
      "S11.4-cleanup-failure-continues",
      "S11.4-candidate-fetch-failure",
      "S11.4-refresh-failure-keeps-workers",
      "S8.5-refresh-failure-keeps",
      "S14.2-candidate-fetch-failure",
      "S14.2-refresh-failure",
    ],
    async run(ctx) {
      ctx.linear.inject({ type: "status", status: 500 }, { type: "malformed", body: "{not json" });
      const issue = ctx.store.addIssue({ title: "survivor" });
      await ctx.useAgent({ turns: [LONG_TURN] });
      await ctx.writeWorkflow();
      const running = await ctx.start();
      const [launch] = await waitUntil(
        () => ctx.launchesIn(issue.identifier).then((l) => l.length > 0 && l),
        "a run despite tracker errors",
      );
      const before = ctx.linear.requests.length;
      ctx.linear.inject(
        { type: "status", status: 502 },
        { type: "malformed", body: '{"data":null}' },
        { type: "rate_limit", resetAt: Date.now() + 500 },
        { type: "status", status: 503 },
      );
      await waitUntil(() => ctx.linear.requests.length >= before + 5, "polling to go on through the faults");
      check(!running.hasExited(), "the implementation exited on tracker errors");
      check(isAlive(launch!.pid), "a refresh failure stopped the running agent");
      const late = ctx.store.addIssue({ title: "after the faults" });
      await waitUntil(
        () => ctx.launchesIn(late.identifier).then((l) => l.length > 0),
        "dispatch after recovery",
      );
    },
  },
  {
    name: "opaque-ids",
    title: "refreshes by the opaque issue id, names workspaces by identifier and passes native_ref through",
    requirements: [
      "S4.1.1-id-required",
      "S4.2-issue-id-keys",
      "S11.2-orchestrator-opaque",
      "S4.2-native-ref-opaque",
    ],
    async run(ctx) {
      const issue = ctx.store.addIssue({ title: "opaque" });
      issue.id = `opaque:${issue.id}/with spaces`;
      await ctx.useAgent({ turns: [LONG_TURN] });
      await ctx.writeWorkflow({ prompt: "{{ issue.identifier }} {{ issue.native_ref | json }}" });
      await ctx.start();
      const [turn] = await waitUntil(() => ctx.turnStarts().then((t) => t.length > 0 && t), "turn/start");
      check(
        turn!.text.includes(issue.id),
        `native_ref did not carry the tracker's id through: ${turn!.text}`,
      );
      check(
        (await ctx.workspaceDirs()).join() === issue.identifier,
        "the workspace is not named by the identifier",
      );
      const before = ctx.linear.requests.length;
      await waitUntil(
        () =>
          ctx.linear.requests
            .slice(before)
            .some((request) => JSON.stringify(request.variables).includes(JSON.stringify(issue.id))),
        "a refresh naming the opaque id exactly",
      );
      if (ctx.apiAvailable) {
        const state = await ctx.state();
        check(state.running[0]?.issue_id === issue.id, `running row issue_id ${state.running[0]?.issue_id}`);
      }
    },
  },
  {
    name: "tracker-tool",
    title: "executes the advertised linear_graphql tool host-side with the configured key",
    requirements: [
      "S15.3-tools-in-host",
      "S11.5-tools-use-host-credentials",
      "S10.5-host-side-tools",
      "S10.2-advertise-tools",
      "S3.1-adapter-tools",
    ],
    async run(ctx) {
      const issue = ctx.store.addIssue({ title: "hand me off" });
      const review = ctx.store.state("Human Review");
      const query = `mutation { issueUpdate(id: "${issue.id}", input: { stateId: "${review.id}" }) { success } }`;
      await ctx.useAgent({
        turns: [
          [
            {
              type: "request",
              method: "item/tool/call",
              params: {
                threadId: "thr_fake",
                turnId: "turn_1",
                callId: "call_1",
                tool: "linear_graphql",
                arguments: { query },
              },
            },
            { type: "complete" },
          ],
        ],
      });
      await ctx.writeWorkflow();
      await ctx.start();
      const threadStart = await waitUntil(
        async () => (await ctx.received()).find((message) => message.method === "thread/start"),
        "thread/start",
      );
      const advertised = field(threadStart.params, "dynamicTools");
      const tools = (Array.isArray(advertised) ? advertised : []).map((tool) => field(tool, "name"));
      if (!tools.includes("linear_graphql")) throw new ScenarioSkipped("no linear_graphql tool advertised");
      const answer = await waitUntil(
        async () => (await ctx.received()).find((message) => message.method === undefined && "id" in message),
        "the tool call's answer",
      );
      check(field(answer.result, "success") === true, `linear_graphql answered ${JSON.stringify(answer)}`);
      check(
        ctx.store.stateName(issue.identifier) === "Human Review",
        "the tool call did not reach the tracker",
      );
      const mutation = ctx.linear.requests.find((request) => request.query === query);
      check(mutation?.authorization === ctx.linear.apiKey, "the tool call did not use the configured key");
    },
  },
  {
    name: "secrets",
    title:
      "resolves the tracker key from $VAR, uses it host-side only and never hands it to the agent or the logs",
    requirements: [
      "S15.3-var-indirection",
      "S15.3-agent-env-no-secrets",
      "S10.5-secrets-not-inherited",
      "S15.3-no-secret-logs",
      "S3.3-secrets-not-inherited",
    ],
    async run(ctx) {
      ctx.store.addIssue({ title: "secret" });
      await ctx.useAgent({});
      await ctx.writeWorkflow();
      const running = await ctx.start();
      await waitUntil(async () => (await ctx.agentEnvironments()).length > 0, "an agent launch");
      check(
        ctx.linear.requests.every((request) => request.authorization === ctx.linear.apiKey),
        "a tracker request did not carry the key from $LINEAR_API_KEY",
      );
      for (const environment of await ctx.agentEnvironments()) {
        check(!environment.includes(ctx.linear.apiKey), "the agent's environment contains the tracker key");
        check(!/^LINEAR_API_KEY=/m.test(environment), "the agent's environment has LINEAR_API_KEY");
      }
      await running.stop();
      check(!running.output().includes(ctx.linear.apiKey), "the implementation printed the tracker key");
    },
  },
];
