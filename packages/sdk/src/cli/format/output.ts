/**
 * Where command results go: JSON for scripts (`--json`, one document, or one line per event
 * when streaming), aligned text for people. Results on stdout, notes and errors on stderr,
 * so `reelay ls --json | jq` never sees a progress message.
 */
export class Output {
  constructor(readonly json: boolean) {}

  /** Prints `value` as JSON, or `human()` for people. */
  result(value: unknown, human: () => string): void {
    console.log(this.json ? JSON.stringify(value, null, 2) : human());
  }

  /** One event of a stream: a compact JSON line, or a text line. */
  event(value: unknown, human: () => string): void {
    console.log(this.json ? JSON.stringify(value) : human());
  }

  note(text: string): void {
    console.error(text);
  }
}
