import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logging/logger.js';
import { lazyChild } from './job-logger.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { lines, logger: createLogger({ service: 'test', level: 'info', destination }) };
}

describe('lazyChild', () => {
  it('writes with the job bindings at an enabled level, as a pino child would', async () => {
    const { lines, logger } = capture();
    const log = lazyChild(logger, { job_id: 'j1', task: 'system.noop', attempt: 2 });
    log.info({ extra: 1 }, 'hello');
    log.child({ step: 'x' }).warn('nested');
    await new Promise((r) => setImmediate(r));
    expect(lines).toMatchObject([
      { job_id: 'j1', task: 'system.noop', attempt: 2, extra: 1, msg: 'hello', service: 'test' },
      { job_id: 'j1', attempt: 2, step: 'x', msg: 'nested' },
    ]);
  });

  it('drops a call at a level that is off without making the child', async () => {
    const { lines, logger } = capture();
    let made = 0;
    const child = logger.child.bind(logger);
    const counting = Object.assign(Object.create(logger) as typeof logger, {
      child: (...args: Parameters<typeof logger.child>) => {
        made += 1;
        return child(...args);
      },
    });
    const log = lazyChild(counting, { job_id: 'j2' });
    log.debug({ status: 'succeeded' }, 'job settled');
    expect(made).toBe(0);
    expect(log.isLevelEnabled('debug')).toBe(false);
    expect(made).toBe(1);
    log.error('boom');
    await new Promise((r) => setImmediate(r));
    expect(lines).toMatchObject([{ job_id: 'j2', msg: 'boom', level: 50 }]);
  });

  it('secrets in the bindings are redacted as in any child', async () => {
    const { lines, logger } = capture();
    lazyChild(logger, { job_id: 'j3', token: 'secret' }).info('x');
    await new Promise((r) => setImmediate(r));
    expect(lines[0]).toMatchObject({ job_id: 'j3', token: '[redacted]' });
  });
});
