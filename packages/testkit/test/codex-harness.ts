import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {
  type CodexProtocolValidator,
  codexBinary,
  codexProtocolValidator,
  type FakeModelProvider,
  type FakeModelProviderOptions,
  type ModelScript,
  prepareCodexHome,
  startFakeModelProvider,
} from "../src/index.ts";
import { type Message, StdioRpc } from "./stdio-rpc.ts";

export interface DynamicToolSpec {
  type: "function";
  name: string;
  description: string;
  inputSchema: unknown;
}

export interface CodexHarness {
  provider: FakeModelProvider;
  rpc: StdioRpc;
  workspace: string;
  threadId: string;
  /** Starts a turn and resolves with its `turn/completed` notification. */
  runTurn(text: string): Promise<Message>;
  /** Schema errors in everything the test client sent, per message. */
  protocolErrors(): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * Real `codex app-server` against the fake provider, driven over stdio: initialize → initialized →
 * thread/start in a fresh temp workspace (approval "never", sandbox "workspace-write").
 */
export async function startCodexHarness(
  script: ModelScript,
  options: {
    providerOptions?: FakeModelProviderOptions;
    dynamicTools?: DynamicToolSpec[];
    onServerRequest?: (request: Message) => unknown;
  } = {},
): Promise<CodexHarness> {
  const provider = await startFakeModelProvider(script, options.providerOptions);
  const codexHome = await prepareCodexHome({ baseUrl: provider.baseUrl });
  const workspace = await mkdtemp(path.join(os.tmpdir(), "testkit-ws-"));
  const rpc = new StdioRpc(
    codexBinary(),
    ["app-server"],
    // HOME away from the developer's dotfiles keeps the agent's login shells hermetic.
    { cwd: workspace, env: { ...codexHome.env, HOME: workspace } },
    options.onServerRequest,
  );
  const close = async () => {
    await rpc.close();
    await provider.close();
    await codexHome.cleanup();
    await rm(workspace, { recursive: true, force: true });
  };
  try {
    await rpc.request("initialize", {
      clientInfo: { name: "baton-testkit", title: "Baton testkit", version: "0.1.0" },
      capabilities: { experimentalApi: true },
    });
    rpc.notify("initialized");
    const started = await rpc.request("thread/start", {
      cwd: workspace,
      approvalPolicy: "never",
      sandbox: "workspace-write",
      ...(options.dynamicTools ? { dynamicTools: options.dynamicTools } : {}),
    });
    const threadId: string = started.thread.id;
    // turn/start has no title field in this protocol version; the thread name carries it.
    await rpc.request("thread/name/set", { threadId, name: "ABC-1: testkit turn" });
    return {
      provider,
      rpc,
      workspace,
      threadId,
      async runTurn(text) {
        const { turn } = await rpc.request("turn/start", {
          threadId,
          input: [{ type: "text", text }],
          cwd: workspace,
          sandboxPolicy: { type: "workspaceWrite", writableRoots: [workspace], networkAccess: false },
        });
        return rpc.waitFor((m) => m.method === "turn/completed" && m.params.turn.id === turn.id);
      },
      protocolErrors: async () => protocolErrors(await codexProtocolValidator(), rpc),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

function protocolErrors(validator: CodexProtocolValidator, rpc: StdioRpc): string[] {
  return rpc.sent.flatMap(({ kind, method, message }) => {
    if (kind === "request") return validator.validateClientRequest(message as { id: number; method: string });
    if (kind === "notification") return validator.validateClientNotification(message as { method: string });
    return validator.validateClientResponse(method, message.result);
  });
}
