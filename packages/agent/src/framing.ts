/** SPEC 10.1 recommends 10 MB as the largest protocol line a client buffers. */
export const MAX_LINE_BYTES = 10 * 1024 * 1024;

const NEWLINE = 0x0a;

export interface LineHandlers {
  line(text: string): void;
  /** A line longer than the limit: it was dropped, and only its first bytes were kept for the report. */
  overlong(byteLength: number, head: string): void;
}

/**
 * Splits a byte stream into newline-terminated UTF-8 lines. A line over `maxBytes` is reported and
 * skipped up to its newline without being buffered whole, so a runaway writer cannot exhaust memory.
 */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes of the over-long line being skipped, or -1 when not skipping. */
  private skippedBytes = -1;
  private skippedHead = "";

  constructor(
    private readonly handlers: LineHandlers,
    private readonly maxBytes: number = MAX_LINE_BYTES,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    let newline = chunk.indexOf(NEWLINE, start);
    while (newline !== -1) {
      this.finishLine(chunk, start, newline);
      start = newline + 1;
      newline = chunk.indexOf(NEWLINE, start);
    }
    if (start < chunk.length) this.keep(chunk, start, chunk.length);
  }

  /** End of stream: an unterminated last line still counts as a line. */
  end(): void {
    if (this.skippedBytes >= 0 || this.pendingBytes > 0) this.finishLine(Buffer.alloc(0), 0, 0);
  }

  private finishLine(chunk: Buffer, start: number, end: number): void {
    if (this.skippedBytes >= 0) {
      const total = this.skippedBytes + (end - start);
      const head = this.skippedHead;
      this.skippedBytes = -1;
      this.skippedHead = "";
      this.handlers.overlong(total, head);
      return;
    }
    if (this.pendingBytes === 0) {
      if (end - start > this.maxBytes) {
        this.handlers.overlong(end - start, headOf(chunk, start, end));
        return;
      }
      this.handlers.line(chunk.toString("utf8", start, end));
      return;
    }
    const whole = Buffer.concat([...this.pending, chunk.subarray(start, end)]);
    this.pending = [];
    this.pendingBytes = 0;
    if (whole.length > this.maxBytes) this.handlers.overlong(whole.length, headOf(whole, 0, whole.length));
    else this.handlers.line(whole.toString("utf8"));
  }

  private keep(chunk: Buffer, start: number, end: number): void {
    if (this.skippedBytes >= 0) {
      this.skippedBytes += end - start;
      return;
    }
    if (this.pendingBytes + (end - start) > this.maxBytes) {
      const first = this.pending[0] ?? chunk.subarray(start, end);
      this.skippedHead = headOf(first, 0, first.length);
      this.skippedBytes = this.pendingBytes + (end - start);
      this.pending = [];
      this.pendingBytes = 0;
      return;
    }
    // Copy: the stream may reuse the chunk's memory.
    this.pending.push(Buffer.from(chunk.subarray(start, end)));
    this.pendingBytes += end - start;
  }
}

const HEAD_BYTES = 200;

function headOf(buffer: Buffer, start: number, end: number): string {
  return buffer.toString("utf8", start, Math.min(end, start + HEAD_BYTES));
}
