import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { JobFailedError, ReelayApiError, ReelayConnectionError, ReelayProtocolError } from '../index.js';
import { ExitCode, exitCodeFor } from './exit-codes.js';
import { UsageError } from './usage-error.js';

const api = (status: number) => new ReelayApiError(status, 'X', 'x');

describe('exitCodeFor', () => {
  it.each([
    [400, ExitCode.usage],
    [413, ExitCode.usage],
    [415, ExitCode.usage],
    [401, ExitCode.auth],
    [403, ExitCode.auth],
    [404, ExitCode.notFound],
    [408, ExitCode.timeout],
    [409, ExitCode.conflict],
    [429, ExitCode.unavailable],
    [500, ExitCode.unavailable],
    [503, ExitCode.unavailable],
  ])('maps a gateway %i to exit %i', (status, code) => {
    expect(exitCodeFor(api(status))).toBe(code);
  });

  it('maps an unreachable gateway and a client timeout to 5', () => {
    expect(exitCodeFor(new ReelayConnectionError('refused'))).toBe(5);
    expect(exitCodeFor(new ReelayConnectionError('slow', { code: 'CLIENT_TIMEOUT' }))).toBe(5);
  });

  it('maps command-line mistakes to 2 and help output to 0', () => {
    expect(exitCodeFor(new UsageError('add --yes'))).toBe(2);
    expect(exitCodeFor(new CommanderError(1, 'commander.unknownCommand', 'unknown command'))).toBe(2);
    expect(exitCodeFor(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'))).toBe(0);
  });

  it('maps a failed job and anything unexpected to 1', () => {
    const failed = new JobFailedError({
      id: 'j',
      type: 'system.sleep',
      queue: 'system',
      input: {},
      priority: 5,
      project: 'default',
      maxAttempts: 1,
      createdAt: '2025-01-01T00:00:00Z',
      status: 'failed',
      progress: 10,
      attempts: 1,
      freeRedeliveries: 0,
      errors: [],
      updatedAt: '2025-01-01T00:00:01Z',
      error: { code: 'TRANSIENT', message: 'boom', retryable: true },
    });
    expect(failed.code).toBe('TRANSIENT');
    expect(exitCodeFor(failed)).toBe(1);
    expect(exitCodeFor(new ReelayProtocolError('mismatch', []))).toBe(1);
    expect(exitCodeFor(new Error('bug'))).toBe(1);
  });
});
