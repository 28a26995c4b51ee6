import type { TokenCounts } from "@baton/domain";

/**
 * Realistic app-server notification traffic for one turn, shaped and sized like what codex 0.169.0
 * streams (see the demo's session logs): mostly small message deltas, command output deltas,
 * item start/complete records of a few hundred bytes to over a kilobyte, and cumulative token
 * updates. Deterministic, so every run and the bare-parse baseline see the same bytes.
 */

const PROSE =
  "I will start by reading the failing test, then trace the call into the parser and check how the " +
  "config loader handles a missing key. The fix is small: default the value and add a regression test. ";
const OUTPUT =
  " RUN  v4.1.12 /workspace\n ✓ test/config.test.ts (14 tests) 38ms\n ✓ test/parser.test.ts (22 tests) 51ms\n" +
  " ✓ test/loader.test.ts (9 tests) 17ms\n Test Files  3 passed (3)\n      Tests  45 passed (45)\n";

/** One cycle of 20 notifications: 11 message deltas, 4 output deltas, an item start/complete pair, 2 token updates, 1 rate-limit update. */
const CYCLE = [
  "delta",
  "delta",
  "output",
  "delta",
  "delta",
  "tokens",
  "delta",
  "output",
  "started",
  "delta",
  "delta",
  "output",
  "delta",
  "completed",
  "delta",
  "tokens",
  "delta",
  "output",
  "rate",
  "delta",
] as const;

export interface TurnTraffic {
  /** Newline-terminated JSON-RPC notifications, the last one `turn/completed`. */
  bytes: Buffer;
  /** Notifications in `bytes`, `turn/completed` included. */
  count: number;
  /** The absolute thread totals of the last token update: what accounting must end up with. */
  finalTotals: TokenCounts;
}

/** The traffic of one turn with `count` notifications (the last is `turn/completed`). */
export function turnTraffic(threadId: string, turnId: string, count: number): TurnTraffic {
  const lines: string[] = [];
  let input = 0;
  let output = 0;
  for (let index = 0; lines.length < count - 1; index++) {
    const kind = CYCLE[index % CYCLE.length]!;
    const itemId = `item_${Math.floor(index / CYCLE.length)}`;
    switch (kind) {
      case "delta": {
        const start = (index * 7) % (PROSE.length - 40);
        const delta = PROSE.slice(start, start + 4 + (index % 36));
        lines.push(
          notification("item/agentMessage/delta", { threadId, turnId, itemId: `msg_${itemId}`, delta }),
        );
        break;
      }
      case "output": {
        const start = (index * 13) % OUTPUT.length;
        const delta = (OUTPUT + OUTPUT).slice(start, start + 120 + (index % 160));
        lines.push(
          notification("item/commandExecution/outputDelta", {
            threadId,
            turnId,
            itemId: `cmd_${itemId}`,
            delta,
          }),
        );
        break;
      }
      case "started":
        lines.push(notification("item/started", { threadId, turnId, item: commandItem(itemId, null) }));
        break;
      case "completed":
        lines.push(notification("item/completed", { threadId, turnId, item: commandItem(itemId, OUTPUT) }));
        break;
      case "tokens":
        input += 1_800 + (index % 400);
        output += 120 + (index % 60);
        lines.push(
          notification("thread/tokenUsage/updated", {
            threadId,
            turnId,
            tokenUsage: {
              total: usage(input, output),
              last: usage(1_800, 120),
              modelContextWindow: 258_400,
            },
          }),
        );
        break;
      case "rate":
        lines.push(
          notification("account/rateLimits/updated", {
            rateLimits: {
              limitId: "codex",
              primary: { usedPercent: index % 100, windowDurationMins: 300, resetsAt: 1_795_269_084 },
              secondary: null,
              credits: null,
              planType: "pro",
            },
          }),
        );
        break;
    }
  }
  lines.push(
    notification("turn/completed", {
      threadId,
      turn: { id: turnId, status: "completed", items: [], error: null },
    }),
  );
  return {
    bytes: Buffer.from(`${lines.join("\n")}\n`),
    count: lines.length,
    finalTotals: { input_tokens: input, output_tokens: output, total_tokens: input + output },
  };
}

/** Cuts a byte stream into pipe-sized chunks, the way a child's stdout arrives. */
export function pipeChunks(bytes: Buffer, chunkBytes = 64 * 1024): Buffer[] {
  const chunks: Buffer[] = [];
  for (let start = 0; start < bytes.length; start += chunkBytes) {
    chunks.push(bytes.subarray(start, start + chunkBytes));
  }
  return chunks;
}

function notification(method: string, params: unknown): string {
  return JSON.stringify({ method, params });
}

function usage(input: number, output: number) {
  return {
    totalTokens: input + output,
    inputTokens: input,
    cachedInputTokens: Math.floor(input * 0.6),
    cacheWriteInputTokens: 0,
    outputTokens: output,
    reasoningOutputTokens: Math.floor(output / 3),
  };
}

function commandItem(itemId: string, aggregatedOutput: string | null) {
  return {
    type: "commandExecution",
    id: `cmd_${itemId}`,
    command: "/bin/bash -lc 'pnpm vitest run test/config.test.ts test/parser.test.ts test/loader.test.ts'",
    cwd: "/home/dev/.baton/workspaces/BAT-1",
    processId: "41873",
    status: aggregatedOutput === null ? "inProgress" : "completed",
    commandActions: [{ type: "unknown", command: "pnpm vitest run" }],
    aggregatedOutput,
    exitCode: aggregatedOutput === null ? null : 0,
    durationMs: aggregatedOutput === null ? null : 1_412,
  };
}
