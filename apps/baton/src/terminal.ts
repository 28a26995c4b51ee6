/**
 * A live status block pinned under the log output on a TTY: log lines are written above it and the
 * block is redrawn after each one, so both stay readable without a full-screen UI.
 */
export class PinnedFooter {
  private lines: string[] = [];

  constructor(private readonly out: NodeJS.WriteStream) {}

  /** Writes log text above the footer. */
  writeAbove(text: string): void {
    this.out.write(this.erase() + text + this.render());
  }

  /** Replaces the footer content. */
  update(lines: string[]): void {
    const erase = this.erase();
    this.lines = lines.map((line) => truncate(line, this.out.columns || 120));
    this.out.write(erase + this.render());
  }

  /** Leaves the last footer on screen and stops managing it. */
  release(): void {
    this.lines = [];
  }

  private erase(): string {
    if (this.lines.length === 0) return "";
    // Move to the first footer line and clear everything below it.
    return `\x1b[${this.lines.length}F\x1b[0J`;
  }

  private render(): string {
    return this.lines.length === 0 ? "" : `${this.lines.join("\n")}\n`;
  }
}

function truncate(line: string, width: number): string {
  // Width counts visible characters only; ANSI colour codes take no columns.
  let visible = 0;
  let out = "";
  for (let i = 0; i < line.length; i++) {
    if (line[i] === "\x1b") {
      const end = line.indexOf("m", i);
      if (end !== -1) {
        out += line.slice(i, end + 1);
        i = end;
        continue;
      }
    }
    if (visible >= width - 1) return `${out}\x1b[0m`;
    out += line[i];
    visible++;
  }
  return out;
}
