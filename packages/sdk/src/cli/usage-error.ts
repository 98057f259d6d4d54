/** The command line asks for something impossible (bad JSON, a missing --yes): exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
