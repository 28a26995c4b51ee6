import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { type BatonError, isBatonError } from "@baton/domain";
import { describe, expect, it } from "vitest";
import {
  configSecrets,
  describeConfig,
  parseWorkflow,
  resolveConfig,
  resolveEnvReference,
  type ServiceConfig,
} from "../src/index.ts";
import { linearLikeProfile, testEnv, testProfiles } from "./support.ts";

const WORKFLOW_PATH = "/repo/ops/WORKFLOW.md";

function resolveYaml(frontMatter: string, env: Record<string, string | undefined> = testEnv): ServiceConfig {
  const definition = parseWorkflow(`---\n${frontMatter}\n---\nprompt`, WORKFLOW_PATH);
  return resolveConfig(definition, { env, trackerProfiles: testProfiles });
}

function resolveError(frontMatter: string, env: Record<string, string | undefined> = testEnv): BatonError {
  try {
    resolveYaml(frontMatter, env);
  } catch (error) {
    if (isBatonError(error)) return error;
    throw error;
  }
  throw new Error("expected the config to be rejected");
}

const LINEAR = "tracker:\n  kind: linear\n  provider:\n    project_slug: web-app";

describe("defaults", () => {
  it("[S6.4-defaults] [S6.1-pipeline] [S5.3.2-interval-default] [S5.3.3-root-default] [S5.3.6-implementation-defaults] fills every optional field", () => {
    const config = resolveYaml(LINEAR);
    expect(config).toEqual({
      workflowPath: WORKFLOW_PATH,
      workflowDir: "/repo/ops",
      tracker: {
        kind: "linear",
        provider: {
          project_slug: "web-app",
          endpoint: "https://api.linear.app/graphql",
          api_key: "lin_api_test_secret",
        },
        required_labels: [],
        active_states: ["Todo", "In Progress"],
        terminal_states: ["Closed", "Cancelled", "Canceled", "Duplicate", "Done"],
      },
      polling: { interval_ms: 30000 },
      workspace: { root: join(tmpdir(), "symphony_workspaces") },
      hooks: {
        after_create: null,
        before_run: null,
        after_run: null,
        before_remove: null,
        timeout_ms: 60000,
        sandbox: true,
        env: {},
      },
      agent: {
        max_concurrent_agents: 10,
        max_turns: 20,
        max_retry_backoff_ms: 300000,
        max_concurrent_agents_by_state: {},
        kind: "codex",
        max_tokens_per_issue: null,
        max_tokens_per_session: null,
        env: {},
      },
      codex: {
        command: "codex app-server",
        approval_policy: "never",
        thread_sandbox: "workspace-write",
        turn_sandbox_policy: null,
        turn_timeout_ms: 3600000,
        read_timeout_ms: 5000,
        stall_timeout_ms: 300000,
      },
      claude: {
        command: "claude",
        model: null,
        permission_mode: "acceptEdits",
        allowed_tools: ["Bash", "mcp__baton"],
        disallowed_tools: ["WebFetch", "WebSearch"],
        extra_args: [],
        turn_timeout_ms: 3600000,
        read_timeout_ms: 15000,
        stall_timeout_ms: 300000,
      },
      budget: null,
      phases: null,
      approvals: { approvers: null, agent_requests: "block", agent_wait_ms: 600000 },
      sandbox: { kind: "none" },
      executor: { kind: "local" },
      server: { port: null, host: "127.0.0.1", token: null, webhooks: { linear: null, github: null } },
      logs: { max_file_bytes: 10_485_760, max_files: 8, retention_days: 30 },
      warnings: [],
    });
  });

  it("[S6.4-defaults] treats YAML null, at section or key level, as 'use the default'", () => {
    const config = resolveYaml(
      `${LINEAR}\npolling:\nagent:\n  max_turns: ~\n  max_concurrent_agents: null\ncodex:\n  command: null\n  turn_sandbox_policy: null\nserver:\n  port: null`,
    );
    expect(config.polling.interval_ms).toBe(30000);
    expect(config.agent.max_turns).toBe(20);
    expect(config.agent.max_concurrent_agents).toBe(10);
    expect(config.codex.command).toBe("codex app-server");
    expect(config.codex.turn_sandbox_policy).toBeNull();
    expect(config.server.port).toBeNull();
  });

  it("[S5.3-unknown-keys] ignores unknown keys at the top level and inside sections", () => {
    const config = resolveYaml(
      `${LINEAR}\n  flavour: spicy\npolling:\n  interval_ms: 1500\n  jitter: true\nobservability:\n  dashboard_enabled: false\nworker:\n  ssh_hosts: [a, b]\nsomething_new: 1`,
    );
    expect(config.polling).toEqual({ interval_ms: 1500 });
    expect(config).not.toHaveProperty("observability");
    expect(config).not.toHaveProperty("something_new");
    expect(config.warnings).toEqual([]);
  });

  it("[S5.3.4-hooks-config] [S5.3.6-command-preserved] keeps hook scripts and codex.command exactly as written", () => {
    const config = resolveYaml(
      `${LINEAR}\nhooks:\n  after_create: |\n    git clone $REPO_URL .\n    npm ci\n  before_run: ~/bin/sync\n  timeout_ms: 1000\ncodex:\n  command: CODEX_HOME=$HOME/.codex ~/bin/codex --config 'model="x"' app-server`,
    );
    expect(config.hooks.after_create).toBe("git clone $REPO_URL .\nnpm ci\n");
    expect(config.hooks.before_run).toBe("~/bin/sync");
    expect(config.hooks.timeout_ms).toBe(1000);
    expect(config.codex.command).toBe(`CODEX_HOME=$HOME/.codex ~/bin/codex --config 'model="x"' app-server`);
  });

  it("[S5.3.6-passthrough] passes Codex approval and sandbox values through without checking them", () => {
    const config = resolveYaml(
      `${LINEAR}\ncodex:\n  approval_policy:\n    reject:\n      sandbox_approval: true\n      rules: true\n  thread_sandbox: danger-full-access\n  turn_sandbox_policy:\n    type: workspaceWrite\n    networkAccess: true\n  stall_timeout_ms: 0`,
    );
    expect(config.codex.approval_policy).toEqual({ reject: { sandbox_approval: true, rules: true } });
    expect(config.codex.thread_sandbox).toBe("danger-full-access");
    expect(config.codex.turn_sandbox_policy).toEqual({ type: "workspaceWrite", networkAccess: true });
    expect(config.codex.stall_timeout_ms).toBe(0);
  });
});

describe("tracker", () => {
  it("[S5.3.1-kind-required] [S6.3-validation-checks] requires tracker.kind and lists the supported kinds", () => {
    const missing = resolveError("polling:\n  interval_ms: 1000");
    expect(missing.category).toBe("invalid_tracker_config");
    expect(missing.message).toBe(`${WORKFLOW_PATH}: tracker.kind is required (one of: linear, boardless)`);
  });

  it("[S5.3.1-kind-supported] [S6.3-validation-checks] rejects a kind no adapter implements", () => {
    const error = resolveError("tracker:\n  kind: jira");
    expect(error.category).toBe("unsupported_tracker_kind");
    expect(error.message).toBe(
      `${WORKFLOW_PATH}: tracker.kind "jira" is not supported; supported kinds: linear, boardless`,
    );
  });

  it("[S5.3.1-provider-preserved] hands every provider key to the adapter profile and keeps what it returns", () => {
    const config = resolveYaml(
      "tracker:\n  kind: linear\n  provider:\n    project_slug: web-app\n    endpoint: https://linear.internal/graphql\n    team_hint: { name: core }",
    );
    expect(config.tracker.provider).toEqual({
      project_slug: "web-app",
      endpoint: "https://linear.internal/graphql",
      team_hint: { name: "core" },
      api_key: "lin_api_test_secret",
    });
  });

  it("[S5.3.1-provider-validated] [S6.3-validation-checks] surfaces the adapter's own validation errors", () => {
    const error = resolveError("tracker:\n  kind: linear");
    expect(error.category).toBe("invalid_tracker_config");
    expect(error.message).toBe(
      `${WORKFLOW_PATH}: tracker.provider.project_slug is required: the slug ID of the Linear project to poll`,
    );
    expect(error.details).toMatchObject({ path: WORKFLOW_PATH, field: "tracker.provider.project_slug" });
  });

  it("[S5.3.1-provider-preserved] moves the reference implementation's flat tracker keys into provider", () => {
    const config = resolveYaml(
      "tracker:\n  kind: linear\n  project_slug: legacy-slug\n  api_key: $MY_LINEAR\n  assignee: me\n  endpoint: https://x.example/graphql\n  provider:\n    assignee: someone",
      { MY_LINEAR: "lin_from_var" },
    );
    expect(config.tracker.provider).toEqual({
      project_slug: "legacy-slug",
      api_key: "lin_from_var",
      assignee: "someone",
      endpoint: "https://x.example/graphql",
    });
  });

  it("[S5.3.1-states-default] uses the adapter's default states, and requires them when it has none", () => {
    expect(resolveYaml(`${LINEAR}\n  active_states: [Ready]`).tracker).toMatchObject({
      active_states: ["Ready"],
      terminal_states: ["Closed", "Cancelled", "Canceled", "Duplicate", "Done"],
    });
    const error = resolveError("tracker:\n  kind: boardless\n  active_states: [open]");
    expect(error.category).toBe("invalid_tracker_config");
    expect(error.message).toBe(
      `${WORKFLOW_PATH}: tracker.terminal_states is required for tracker kind "boardless" (it has no default)`,
    );
    const both = resolveError("tracker:\n  kind: boardless");
    expect(both.details.problems).toHaveLength(2);
  });

  it("[S5.3.1-states-default] rejects state lists that are not lists of names", () => {
    const error = resolveError(`${LINEAR}\n  active_states: Todo\n  terminal_states: [Done, "  ", 7]`);
    expect(error.category).toBe("invalid_tracker_config");
    expect(error.details.problems).toEqual([
      'tracker.active_states must be a non-empty list of state names, got "Todo"',
      'tracker.terminal_states[1] must be a non-blank state name, got "  "',
      "tracker.terminal_states[2] must be a non-blank state name, got 7",
    ]);
  });

  it("[S5.3.1-required-labels] normalizes required labels, keeping a blank label so it matches nothing", () => {
    const config = resolveYaml(`${LINEAR}\n  required_labels: ["  Agent-Ready ", BACKEND, " "]`);
    expect(config.tracker.required_labels).toEqual(["agent-ready", "backend", ""]);
  });
});

describe("$VAR and paths", () => {
  it("[S6.1-var-resolution] [S5.3.1-empty-secret-missing] resolves $VAR secrets through the adapter; empty means missing", () => {
    const yaml =
      "tracker:\n  kind: linear\n  provider:\n    project_slug: web\n    api_key: $TEAM_LINEAR_KEY";
    expect(resolveYaml(yaml, { TEAM_LINEAR_KEY: "lin_team" }).tracker.provider.api_key).toBe("lin_team");
    expect(resolveError(yaml, { TEAM_LINEAR_KEY: "", LINEAR_API_KEY: "other" }).category).toBe(
      "missing_tracker_secret",
    );
    expect(resolveError(yaml, {}).message).toContain("tracker.provider.api_key is missing");
  });

  it("[S6.1-var-resolution] only resolves values that are exactly $VAR_NAME", () => {
    const env = { HOME_DIR: "/h", A: "a" };
    expect(resolveEnvReference("$HOME_DIR", env)).toBe("/h");
    expect(resolveEnvReference("$HOME_DIR/x", env)).toBe("$HOME_DIR/x");
    expect(resolveEnvReference("prefix $A", env)).toBe("prefix $A");
    const braced = "$" + "{A}";
    expect(resolveEnvReference(braced, env)).toBe(braced);
    expect(resolveEnvReference("$UNSET", env)).toBeUndefined();
    expect(resolveEnvReference(42, env)).toBe(42);
  });

  it("[S6.1-no-global-env-override] ignores environment variables the workflow does not reference", () => {
    const config = resolveYaml(LINEAR, {
      ...testEnv,
      POLLING_INTERVAL_MS: "5",
      WORKSPACE_ROOT: "/elsewhere",
    });
    expect(config.polling.interval_ms).toBe(30000);
    expect(config.workspace.root).toBe(join(tmpdir(), "symphony_workspaces"));
  });

  it("[S5.3.3-root-var] [S6.1-var-resolution] resolves workspace.root from $VAR, warning and defaulting when unset", () => {
    const yaml = `${LINEAR}\nworkspace:\n  root: $BATON_WORKSPACES`;
    expect(resolveYaml(yaml, { ...testEnv, BATON_WORKSPACES: "/srv/ws" }).workspace.root).toBe("/srv/ws");
    const fallback = resolveYaml(yaml, { ...testEnv, BATON_WORKSPACES: "" });
    expect(fallback.workspace.root).toBe(join(tmpdir(), "symphony_workspaces"));
    expect(fallback.warnings).toEqual([
      `workspace.root refers to $BATON_WORKSPACES, which is unset or empty; using the default ${join(tmpdir(), "symphony_workspaces")}`,
    ]);
  });

  it("[S5.3.3-root-tilde] [S6.1-path-expansion] expands ~ in workspace.root", () => {
    expect(resolveYaml(`${LINEAR}\nworkspace:\n  root: ~/baton/ws`).workspace.root).toBe(
      join(homedir(), "baton/ws"),
    );
    expect(resolveYaml(`${LINEAR}\nworkspace:\n  root: "~"`).workspace.root).toBe(homedir());
    expect(
      resolveYaml(`${LINEAR}\nworkspace:\n  root: $WS`, { ...testEnv, WS: "~/from-env" }).workspace.root,
    ).toBe(join(homedir(), "from-env"));
  });

  it("[S5.3.3-root-relative] [S6.1-relative-root] resolves a relative workspace.root against the WORKFLOW.md directory", () => {
    expect(resolveYaml(`${LINEAR}\nworkspace:\n  root: ../workspaces/./x`).workspace.root).toBe(
      "/repo/workspaces/x",
    );
    expect(resolveYaml(`${LINEAR}\nworkspace:\n  root: /abs/../ws/`).workspace.root).toBe("/ws");
  });

  it("[S6.1-path-expansion] never expands ~ or $VAR inside commands or provider URLs", () => {
    const config = resolveYaml(
      "tracker:\n  kind: linear\n  provider:\n    project_slug: web\n    endpoint: $LINEAR_URL\ncodex:\n  command: $CODEX_CMD",
      { ...testEnv, LINEAR_URL: "https://expanded", CODEX_CMD: "expanded" },
    );
    expect(config.codex.command).toBe("$CODEX_CMD");
    expect(config.tracker.provider.endpoint).toBe("$LINEAR_URL");
  });
});

describe("agent limits", () => {
  it("[S5.3.5-by-state-normalized] [S5.3.5-by-state-invalid-ignored] normalizes state keys and ignores invalid entries with warnings", () => {
    const config = resolveYaml(
      `${LINEAR}\nagent:\n  max_concurrent_agents_by_state:\n    " In Progress ": 2\n    TODO: 1\n    Review: 0\n    Merging: -3\n    Rework: 1.5\n    QA: "4"\n    Blocked: ~`,
    );
    expect(config.agent.max_concurrent_agents_by_state).toEqual({ "in progress": 2, todo: 1 });
    expect(config.warnings).toEqual([
      "agent.max_concurrent_agents_by_state.Review must be a positive integer, got 0; entry ignored",
      "agent.max_concurrent_agents_by_state.Merging must be a positive integer, got -3; entry ignored",
      "agent.max_concurrent_agents_by_state.Rework must be a positive integer, got 1.5; entry ignored",
      'agent.max_concurrent_agents_by_state.QA must be a positive integer, got "4"; entry ignored',
      "agent.max_concurrent_agents_by_state.Blocked must be a positive integer, got null; entry ignored",
    ]);
  });

  it("[S5.3.5-max-turns-valid] rejects max_turns: 0 naming the field and value", () => {
    const error = resolveError(`${LINEAR}\nagent:\n  max_turns: 0`);
    expect(error.category).toBe("invalid_config");
    expect(error.message).toBe(`${WORKFLOW_PATH}: agent.max_turns must be a positive integer, got 0`);
  });

  it("[S5.3.4-timeout-valid] [S6.4-defaults] reports every invalid value at once, each with field and value", () => {
    const error = resolveError(
      `${LINEAR}\npolling:\n  interval_ms: fast\nhooks:\n  timeout_ms: -1\n  after_run: [echo]\nagent:\n  max_concurrent_agents: 2.5\n  max_concurrent_agents_by_state: [todo]\ncodex:\n  command: "  "\n  read_timeout_ms: 0\nserver:\n  port: 70000`,
    );
    expect(error.category).toBe("invalid_config");
    expect(error.details.problems).toEqual([
      'polling.interval_ms must be a positive integer (milliseconds), got "fast"',
      'hooks.after_run must be a shell script string, got a list ["echo"]',
      "hooks.timeout_ms must be a positive integer (milliseconds), got -1",
      "agent.max_concurrent_agents must be a positive integer, got 2.5",
      'agent.max_concurrent_agents_by_state must be a map of state name to positive integer, got a list ["todo"]',
      'codex.command must be a non-empty shell command string, got "  "',
      "codex.read_timeout_ms must be a positive integer (milliseconds), got 0",
      "server.port must be an integer port between 0 and 65535, got 70000",
    ]);
    expect(error.message).toMatch(
      /^\/repo\/ops\/WORKFLOW\.md has 8 config problems: polling\.interval_ms must/,
    );
  });

  it("[S6.4-defaults] rejects a section that is not a map", () => {
    const error = resolveError(`${LINEAR}\ncodex: codex app-server`);
    expect(error.message).toBe(`${WORKFLOW_PATH}: codex must be a map, got "codex app-server"`);
  });
});

describe("server extension", () => {
  it("[S5.3-extension-keys] reads server.port/host/token, resolving a $VAR token", () => {
    const config = resolveYaml(`${LINEAR}\nserver:\n  port: 0\n  host: 0.0.0.0\n  token: $BATON_TOKEN`, {
      ...testEnv,
      BATON_TOKEN: "s3cret",
    });
    expect(config.server).toEqual({
      port: 0,
      host: "0.0.0.0",
      token: "s3cret",
      webhooks: { linear: null, github: null },
    });
  });

  it("[S5.3-extension-keys] refuses to run the API without auth when the token variable is unset", () => {
    const error = resolveError(`${LINEAR}\nserver:\n  port: 8080\n  token: $BATON_TOKEN`);
    expect(error.message).toContain("server.token refers to $BATON_TOKEN, which is unset or empty");
  });

  it("[S5.3-extension-keys] never prints a token value, even a badly typed one", () => {
    const error = resolveError(`${LINEAR}\nserver:\n  token: 123456789`);
    expect(error.message).toBe(
      `${WORKFLOW_PATH}: server.token must be a non-blank token string or $ENV_VAR, got a value that is not shown (secret)`,
    );
  });
});

describe("budgets and webhooks", () => {
  it("[B.budget-issue-ceiling][B.budget-period] reads the token ceilings and the period budget", () => {
    const config = resolveYaml(
      `${LINEAR}\nagent:\n  max_tokens_per_issue: 2000000\n  max_tokens_per_session: 500000\nbudget:\n  period: week\n  max_tokens: 50000000\n  on_exceeded_state: Human Review\n  token_rates: { input: 1.25, output: 10 }`,
    );
    expect(config.agent).toMatchObject({ max_tokens_per_issue: 2_000_000, max_tokens_per_session: 500_000 });
    expect(config.budget).toEqual({
      period: "week",
      max_tokens: 50_000_000,
      on_exceeded_state: "Human Review",
      token_rates: { input: 1.25, output: 10, currency: "USD" },
    });
    expect(resolveError(`${LINEAR}\nbudget:\n  period: year`).message).toContain(
      "budget.period must be one of: day, week, month",
    );
    expect(resolveError(`${LINEAR}\nagent:\n  max_tokens_per_issue: 0`).message).toContain(
      "agent.max_tokens_per_issue must be a positive integer (tokens)",
    );
  });

  it("[B.webhook-linear-signature][B.webhook-github-signature] resolves webhook secrets from $VAR, refuses an unset one and never prints them", () => {
    const yaml = `${LINEAR}\nserver:\n  webhooks:\n    linear: { secret: $LINEAR_WEBHOOK_SECRET }\n    github: { secret: $GITHUB_WEBHOOK_SECRET }`;
    const config = resolveYaml(yaml, {
      ...testEnv,
      LINEAR_WEBHOOK_SECRET: "lin-whsec",
      GITHUB_WEBHOOK_SECRET: "gh-whsec",
    });
    expect(config.server.webhooks).toEqual({
      linear: { secret: "lin-whsec" },
      github: { secret: "gh-whsec" },
    });
    const printed = JSON.stringify(describeConfig(config, [linearLikeProfile]));
    expect(printed).not.toContain("lin-whsec");
    expect(printed).not.toContain("gh-whsec");
    expect(resolveError(yaml, { ...testEnv, GITHUB_WEBHOOK_SECRET: "gh-whsec" }).message).toContain(
      "server.webhooks.linear.secret refers to $LINEAR_WEBHOOK_SECRET, which is unset or empty",
    );
  });
});

describe("agent.env and hooks.env", () => {
  it("[B.env-declared] keeps the declarations as written, refuses unset $VARs, bad names, non-strings and Baton's own marks, and masks literal secrets", () => {
    const yaml = `${LINEAR}\nagent:\n  env:\n    DEPLOY_TARGET: staging\n    GH_TOKEN: $SOURCE_GH\n    SERVICE_PASSWORD: hunter2-literal\nhooks:\n  env:\n    GIT_SSH_COMMAND: ssh -o BatchMode=yes`;
    const config = resolveYaml(yaml, { ...testEnv, SOURCE_GH: "gh-value-0123" });
    expect(config.agent.env).toEqual({
      DEPLOY_TARGET: "staging",
      GH_TOKEN: "$SOURCE_GH",
      SERVICE_PASSWORD: "hunter2-literal",
    });
    expect(config.hooks.env).toEqual({ GIT_SSH_COMMAND: "ssh -o BatchMode=yes" });
    const printed = JSON.stringify(describeConfig(config, [linearLikeProfile]));
    expect(printed).not.toContain("hunter2-literal");
    expect(printed).not.toContain("gh-value-0123");
    expect(configSecrets(config, [linearLikeProfile])).toContain("hunter2-literal");

    expect(resolveError(yaml, testEnv).message).toContain(
      "agent.env.GH_TOKEN refers to $SOURCE_GH, which is unset or empty",
    );
    expect(resolveError(`${LINEAR}\nhooks:\n  env:\n    BATON_RUN_ID: mine`).message).toContain(
      "hooks.env.BATON_RUN_ID: BATON_RUN_ID is set by Baton itself",
    );
    expect(resolveError(`${LINEAR}\nagent:\n  env:\n    NOT-A-NAME: x`).message).toContain(
      `agent.env keys must be environment variable names (letters, digits and _, not starting with a digit), got "NOT-A-NAME"`,
    );
    expect(resolveError(`${LINEAR}\nagent:\n  env:\n    RETRIES: 3`).message).toContain(
      "agent.env.RETRIES must be a string: a literal value (quote numbers and booleans) or $VAR",
    );
  });
});

describe("describeConfig", () => {
  it("[S6.3-validation-checks] masks tracker secrets and the server token in the printable config", () => {
    const config = resolveYaml(`${LINEAR}\nserver:\n  port: 4000\n  token: literal-token`);
    const printable = describeConfig(config, [linearLikeProfile]);
    expect(printable).toMatchObject({
      tracker: { provider: { api_key: "***", project_slug: "web-app" } },
      server: { port: 4000, token: "***" },
    });
    const text = JSON.stringify(printable);
    expect(text).not.toContain("lin_api_test_secret");
    expect(text).not.toContain("literal-token");
    expect(config.tracker.provider.api_key).toBe("lin_api_test_secret");
    expect(describeConfig(resolveYaml(LINEAR), [linearLikeProfile])).toMatchObject({
      server: { token: null },
    });
  });
});

describe("executor", () => {
  it("[B.queue-config] kind local is the default; queue resolves redis_url from $VAR and names its queue", () => {
    expect(resolveYaml(LINEAR).executor).toEqual({ kind: "local" });
    const config = resolveYaml(`${LINEAR}\nexecutor:\n  kind: queue\n  redis_url: $REDIS_URL`, {
      ...testEnv,
      REDIS_URL: "rediss://:s3cret%21@redis.internal:6380/2",
    });
    expect(config.executor).toEqual({
      kind: "queue",
      redis_url: "rediss://:s3cret%21@redis.internal:6380/2",
      queue_name: "baton",
    });
    expect(configSecrets(config, [linearLikeProfile])).toContain("s3cret!");
    const printed = JSON.stringify(describeConfig(config, [linearLikeProfile]));
    expect(printed).not.toContain("s3cret");
    expect(printed).toContain("rediss://:***@redis.internal:6380/2");
    expect(
      resolveYaml(
        `${LINEAR}\nexecutor:\n  kind: queue\n  redis_url: redis://127.0.0.1:6379\n  queue_name: team-a`,
      ).executor,
    ).toEqual({ kind: "queue", redis_url: "redis://127.0.0.1:6379", queue_name: "team-a" });
  });

  it("[B.queue-config] rejects a missing, unset or non-Redis URL and a bad kind or queue name, naming the field", () => {
    expect(resolveError(`${LINEAR}\nexecutor:\n  kind: queue`).message).toContain(
      "executor.redis_url is required with executor.kind queue",
    );
    expect(resolveError(`${LINEAR}\nexecutor:\n  kind: queue\n  redis_url: $UNSET_REDIS`).message).toContain(
      "executor.redis_url refers to $UNSET_REDIS, which is unset or empty",
    );
    const wrong = resolveError(`${LINEAR}\nexecutor:\n  kind: queue\n  redis_url: "http://:pw@host:1"`);
    expect(wrong.message).toContain("executor.redis_url must be a redis:// or rediss:// URL");
    expect(wrong.message).not.toContain("pw");
    const schema = resolveError(`${LINEAR}\nexecutor:\n  kind: cluster\n  queue_name: "a b"`);
    expect(schema.message).toContain("executor.kind must be local or queue");
    expect(schema.message).toContain("executor.queue_name must be a name of letters, digits, - and _");
  });
});

describe("sandbox", () => {
  it("[B.sandbox-config] kind none is the default; docker fills image, network, env and limits", () => {
    expect(resolveYaml(LINEAR).sandbox).toEqual({ kind: "none" });
    const config = resolveYaml(`${LINEAR}\nsandbox:\n  kind: docker\n  model_url: $MODEL_URL`, {
      ...testEnv,
      MODEL_URL: "https://api.openai.com/v1",
    });
    expect(config.sandbox).toEqual({
      kind: "docker",
      image: "baton-agent:latest",
      network: "model-only",
      model_url: "https://api.openai.com/v1",
      env: ["OPENAI_API_KEY"],
      memory: 4 * 1024 ** 3,
      cpus: null,
      pids_limit: 1024,
      user: null,
      read_only_mounts: [],
    });
    expect(config.hooks.sandbox).toBe(true);
    const tuned = resolveYaml(
      `${LINEAR}\nhooks:\n  sandbox: false\nsandbox:\n  kind: docker\n  network: none\n  memory: 512m\n  cpus: 1.5\n  pids_limit: 64\n  user: "1000:1000"\n  read_only_mounts: [/opt/tools, "/srv/data:/data"]`,
    );
    expect(tuned.sandbox).toMatchObject({
      network: "none",
      model_url: null,
      memory: 512 * 1024 ** 2,
      cpus: 1.5,
      pids_limit: 64,
      user: "1000:1000",
      read_only_mounts: ["/opt/tools", "/srv/data:/data"],
    });
    expect(tuned.hooks.sandbox).toBe(false);
  });

  it("[B.sandbox-config] rejects what a container could not honour, naming each field", () => {
    const error = resolveError(`${LINEAR}\nsandbox:\n  kind: podman\n  network: bridge`);
    expect(error.message).toContain("sandbox.kind must be none or docker");
    expect(error.message).toContain("sandbox.network must be none or model-only");
    const docker = resolveError(
      `${LINEAR}\nsandbox:\n  kind: docker\n  memory: lots\n  read_only_mounts: [relative/path, /workspace]`,
    );
    expect(docker.message).toContain(
      "sandbox.read_only_mounts[0] must be an absolute path: /host or /host:/container",
    );
    const semantic = resolveError(
      `${LINEAR}\nsandbox:\n  kind: docker\n  memory: lots\n  read_only_mounts: [/workspace]`,
    );
    expect(semantic.message).toContain("sandbox.memory must be a size such as 512m or 4g");
    expect(semantic.message).toContain("sandbox.model_url is required with sandbox.network model-only");
    expect(semantic.message).toContain("would cover / or /workspace inside the container");
    expect(
      resolveError(
        `${LINEAR}\nagent:\n  kind: claude\nsandbox:\n  kind: docker\n  model_url: https://x.test/v1`,
      ).message,
    ).toContain("sandbox.kind docker runs the Codex agent only");
    expect(
      resolveError(`${LINEAR}\nsandbox:\n  kind: docker\n  model_url: $UNSET_MODEL_URL`).message,
    ).toContain("sandbox.model_url refers to $UNSET_MODEL_URL, which is unset or empty");
  });
});
