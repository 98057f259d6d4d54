/**
 * The last lines ffmpeg wrote to stderr, kept for error messages. Bounded so a chatty
 * encoder (x265, SVT-AV1) cannot grow a job's memory for hours.
 */
export class StderrTail {
  private lines: string[] = [];
  private partial = '';

  constructor(private readonly maxLines = 40) {}

  push(chunk: string): void {
    const parts = (this.partial + chunk).split(/\r?\n|\r/);
    this.partial = parts.pop() ?? '';
    for (const line of parts) this.add(line);
  }

  /** Every kept line, the unfinished last one included. */
  text(): string {
    return [...this.lines, ...(this.partial.trim() ? [this.partial] : [])].join('\n');
  }

  private add(line: string): void {
    if (!line.trim()) return;
    this.lines.push(line.length > 500 ? `${line.slice(0, 500)}…` : line);
    if (this.lines.length > this.maxLines) this.lines.shift();
  }
}
