/**
 * Where command results go: JSON for scripts (`--json`, one document, or one line per event
 * when streaming), only ids for shell substitution (`-q`, one per line), aligned text for
 * people. Results on stdout, notes and errors on stderr, so `reelay ls --json | jq` never
 * sees a progress message and `id=$(reelay -q submit …)` gets the id alone.
 */
export type OutputMode = 'human' | 'json' | 'quiet';

export class Output {
  constructor(readonly mode: OutputMode) {}

  get json(): boolean {
    return this.mode === 'json';
  }

  get quiet(): boolean {
    return this.mode === 'quiet';
  }

  /**
   * Prints `value` as JSON, `ids()` one per line under -q, or `human()` for people. A
   * result without ids prints nothing under -q: the exit status says how it went.
   */
  result(value: unknown, human: () => string, ids?: () => string[]): void {
    if (this.mode === 'json') console.log(JSON.stringify(value, null, 2));
    else if (this.mode === 'quiet') printIds(ids?.() ?? []);
    else console.log(human());
  }

  /** One event of a stream: a compact JSON line, or a text line; nothing under -q (the closing result prints the ids). */
  event(value: unknown, human: () => string): void {
    if (this.mode === 'json') console.log(JSON.stringify(value));
    else if (this.mode === 'human') console.log(human());
  }

  /** A note for people on stderr; -q silences it (errors still print). */
  note(text: string): void {
    if (this.mode !== 'quiet') console.error(text);
  }
}

function printIds(ids: string[]): void {
  if (ids.length > 0) console.log(ids.join('\n'));
}
