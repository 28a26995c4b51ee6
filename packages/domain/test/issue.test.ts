import { describe, expect, it } from "vitest";
import { normalizeLabels, normalizePriority, normalizeState, normalizeTimestamp } from "../src/index.ts";

describe("issue normalization helpers", () => {
  it("[S4.2-normalized-state] compares states after trim and lowercase", () => {
    expect(normalizeState("  In Progress ")).toBe("in progress");
  });

  it("[S11.3-labels-normalized] trims, lowercases, drops blanks and duplicates", () => {
    expect(normalizeLabels([" Bug", "bug", "", "  ", "Backend ", 7])).toEqual(["bug", "backend"]);
  });

  it("[S11.3-timestamps-rfc3339] parses RFC 3339 instants to UTC and unusable values to null", () => {
    expect(normalizeTimestamp("2026-02-24T20:15:30+02:00")).toBe("2026-02-24T18:15:30.000Z");
    expect(normalizeTimestamp("yesterday")).toBeNull();
    expect(normalizeTimestamp(12)).toBeNull();
  });

  it("[S11.3-priority-integer] keeps integer priorities and nulls anything else", () => {
    expect(normalizePriority(2)).toBe(2);
    expect(normalizePriority(1.5)).toBeNull();
    expect(normalizePriority("1")).toBeNull();
  });
});
