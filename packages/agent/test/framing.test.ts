import { describe, expect, it } from "vitest";
import { LineSplitter } from "../src/framing.ts";

function collect(maxBytes: number) {
  const lines: string[] = [];
  const overlong: { bytes: number; head: string }[] = [];
  const splitter = new LineSplitter(
    { line: (text) => lines.push(text), overlong: (bytes, head) => overlong.push({ bytes, head }) },
    maxBytes,
  );
  return { splitter, lines, overlong };
}

describe("LineSplitter", () => {
  it("[S10.3-stdio-framing] reassembles newline-delimited lines split across chunks, including multi-byte characters", () => {
    const { splitter, lines } = collect(1024);
    const text = '{"a":"héllo"}\n{"b":2}\n{"c":';
    const bytes = Buffer.from(text + "3}\n", "utf8");
    // Split inside the two-byte "é" and mid-line.
    for (const cut of [
      [0, 7],
      [7, 20],
      [20, bytes.length],
    ] as const)
      splitter.push(bytes.subarray(cut[0], cut[1]));
    expect(lines).toEqual(['{"a":"héllo"}', '{"b":2}', '{"c":3}']);
  });

  it("[S10.1-max-line-size] drops a line over the limit without buffering it, reports its size, and recovers at the next newline", () => {
    const { splitter, lines, overlong } = collect(16);
    splitter.push(Buffer.from("ok-1\nAAAAAAAAAA"));
    splitter.push(Buffer.from("BBBBBBBBBB")); // now over 16 bytes: skipping starts
    for (let i = 0; i < 1000; i++) splitter.push(Buffer.from("CCCCCCCCCC"));
    splitter.push(Buffer.from("D\nok-2\n"));
    expect(lines).toEqual(["ok-1", "ok-2"]);
    expect(overlong).toEqual([{ bytes: 10 + 10 + 10_000 + 1, head: "AAAAAAAAAA" }]);
    // Nothing of the dropped line is retained.
    expect((splitter as unknown as { pendingBytes: number }).pendingBytes).toBe(0);
  });

  it("[S10.1-max-line-size] rejects an over-long line that arrives in a single chunk", () => {
    const { splitter, lines, overlong } = collect(8);
    splitter.push(Buffer.from("0123456789\nshort\n"));
    expect(lines).toEqual(["short"]);
    expect(overlong[0]?.bytes).toBe(10);
  });

  it("[S10.3-stdio-framing] delivers an unterminated last line at end of stream", () => {
    const { splitter, lines } = collect(64);
    splitter.push(Buffer.from('{"a":1}\n{"b":'));
    splitter.push(Buffer.from("2}"));
    splitter.end();
    expect(lines).toEqual(['{"a":1}', '{"b":2}']);
  });
});
