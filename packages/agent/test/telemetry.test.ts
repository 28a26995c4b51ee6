import { describe, expect, it } from "vitest";
import { formatTokens } from "../src/summaries.ts";
import { absoluteTokenTotals, mergeRateLimits, tokenCounts, tokenDelta } from "../src/telemetry.ts";

describe("token accounting", () => {
  it("[S13.5-lenient-field-names] reads input/output/total counts from every alias, numeric strings included", () => {
    expect(tokenCounts({ inputTokens: 10, outputTokens: 2, totalTokens: 12 })).toEqual({
      input_tokens: 10,
      output_tokens: 2,
      total_tokens: 12,
    });
    expect(tokenCounts({ prompt_tokens: "7", completion_tokens: 3, total: "10" })).toEqual({
      input_tokens: 7,
      output_tokens: 3,
      total_tokens: 10,
    });
    expect(tokenCounts({ promptTokens: 4, completionTokens: 1 })).toEqual({
      input_tokens: 4,
      output_tokens: 1,
      total_tokens: 5,
    });
    expect(tokenCounts({ input_tokens: -1, note: "x" })).toBeNull();
  });

  it("[S13.5-absolute-totals][S13.5-ignore-last-usage][S13.5-no-generic-usage] takes thread totals only from payloads defined as cumulative", () => {
    const tokenUsage = {
      total: { inputTokens: 50, outputTokens: 5, totalTokens: 55 },
      last: { inputTokens: 9 },
    };
    expect(absoluteTokenTotals("thread/tokenUsage/updated", { tokenUsage })?.total_tokens).toBe(55);
    expect(
      absoluteTokenTotals("codex/event/token_count", {
        msg: { payload: { info: { total_token_usage: { input_tokens: 8, output_tokens: 1 } } } },
      })?.total_tokens,
    ).toBe(9);
    expect(
      absoluteTokenTotals("thread/tokenUsage/updated", { tokenUsage: { last: { inputTokens: 9 } } }),
    ).toBeNull();
    expect(
      absoluteTokenTotals("turn/completed", { usage: { input_tokens: 100, output_tokens: 1 } }),
    ).toBeNull();
  });

  it("[S13.5-delta-vs-last-reported] computes deltas against the high-water mark, never negative and never counted twice", () => {
    let reported = { input_tokens: 0, output_tokens: 0, total_tokens: 0 };
    let counted = 0;
    for (const total of [100, 100, 80, 150, 150]) {
      const { delta, highWater } = tokenDelta(reported, {
        input_tokens: total,
        output_tokens: 0,
        total_tokens: total,
      });
      expect(delta.total_tokens).toBeGreaterThanOrEqual(0);
      counted += delta.total_tokens;
      reported = highWater;
    }
    expect(counted).toBe(150);
    expect(reported.total_tokens).toBe(150);
  });
});

describe("rate limits", () => {
  it("[S13.5-rate-limits] keeps the latest snapshot, filling gaps of sparse updates and replacing it for another limit", () => {
    const first = mergeRateLimits(null, {
      limitId: "codex",
      primary: { usedPercent: 10 },
      credits: { balance: "5" },
    });
    const sparse = mergeRateLimits(first, { limitId: "codex", primary: { usedPercent: 30 }, credits: null });
    expect(sparse).toEqual({ limitId: "codex", primary: { usedPercent: 30 }, credits: { balance: "5" } });
    expect(mergeRateLimits(sparse, { limitId: "other", primary: { usedPercent: 1 } })).toEqual({
      limitId: "other",
      primary: { usedPercent: 1 },
    });
    expect(mergeRateLimits(sparse, "not a snapshot")).toBe(sparse);
  });
});

describe("token summaries", () => {
  it("[S13.6-observability-only] writes token totals with grouped digits for the status surfaces", () => {
    const totals = (total: number) => ({ input_tokens: 1_000, output_tokens: 7, total_tokens: total });
    expect(formatTokens(totals(1_234_567))).toBe("tokens 1,234,567 total (1,000 in, 7 out)");
    expect(formatTokens(totals(0))).toBe("tokens 0 total (1,000 in, 7 out)");
    expect(formatTokens(totals(999))).toBe("tokens 999 total (1,000 in, 7 out)");
    expect(formatTokens(totals(1_000_001))).toBe("tokens 1,000,001 total (1,000 in, 7 out)");
    expect(formatTokens(totals(12_050_090))).toBe("tokens 12,050,090 total (1,000 in, 7 out)");
  });
});
