import { randomBytes } from 'node:crypto';
import { ErrorCode, jobsStream } from '@reelay/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputCipher } from '../src/crypto/input-cipher.js';
import { idempotencyKvKey, JobClient } from '../src/jobs/job-client.js';
import { testTasks } from '../src/testing/test-tasks.js';
import { type Harness, startHarness } from './harness.js';

const KEY = randomBytes(32).toString('base64');
const secretInput = { token: 'tok-never-in-clear', account: { password: 'pw-never-in-clear' }, label: 'l' };

describe('sensitive inputs across processes', () => {
  let h: Harness;
  let sealing: JobClient;
  beforeAll(async () => {
    h = await startHarness();
    sealing = new JobClient(h.ctx, { buckets: h.buckets, tasks: testTasks, cipher: InputCipher.fromKeys({ key: KEY }) });
  });
  afterAll(() => h.close());

  it('a client without a key refuses to submit a task with sensitive fields, and queues nothing', async () => {
    const before = (await h.ctx.jsm.streams.info(jobsStream('test'))).state.last_seq;
    await expect(h.client.enqueue({ type: 'test.secret', input: secretInput })).rejects.toMatchObject({
      code: ErrorCode.ENCRYPTION_KEY_MISSING,
    });
    expect((await h.ctx.jsm.streams.info(jobsStream('test'))).state.last_seq).toBe(before);
  });

  it('a keyless refusal writes nothing, not even the idempotency key a retry would find', async () => {
    const key = 'sensitive-refused-once';
    const before = (await h.ctx.jsm.streams.info(jobsStream('test'))).state.last_seq;
    await expect(h.client.enqueue({ type: 'test.secret', input: secretInput, idempotencyKey: key })).rejects.toMatchObject({
      code: ErrorCode.ENCRYPTION_KEY_MISSING,
    });
    expect(await h.buckets.idempotency.get(idempotencyKvKey('default', key))).toBeNull();
    expect((await h.ctx.jsm.streams.info(jobsStream('test'))).state.last_seq).toBe(before);
  });

  it('a worker without the key dead-letters the job as DECRYPTION_FAILED; requeued by that code to a worker with the key, it succeeds', async () => {
    const keyless = await h.startWorker({ WORKER_QUEUES: 'test' });
    const { job } = await sealing.enqueue({ type: 'test.secret', input: secretInput });
    const failed = await h.waitForStatus(job.id, ['failed']);
    expect(failed.error?.code).toBe(ErrorCode.DECRYPTION_FAILED);
    expect(failed.error?.message).toMatch(/token|account\.password/);
    expect(JSON.stringify(failed)).not.toContain('never-in-clear');
    await keyless.kill('SIGTERM');

    await h.startWorker({ WORKER_QUEUES: 'test', REELAY_ENCRYPTION_KEY: KEY });
    const bulk = await sealing.bulkDeadLetters('requeue', {
      filter: { errorCode: ErrorCode.DECRYPTION_FAILED },
      projects: '*',
      limit: 100,
      dryRun: false,
    });
    expect(bulk).toMatchObject({ matched: 1, done: 1, failed: 0 });
    const done = await h.waitForStatus(job.id, ['succeeded']);
    expect(done.result).toMatchObject({ passwordLength: secretInput.account.password.length, label: 'l' });
    expect(JSON.stringify(done)).not.toContain('never-in-clear');
  });

  it('a worker started with a key that is not 32 bytes exits with a message naming the variable', async () => {
    await expect(h.startWorker({ REELAY_ENCRYPTION_KEY: 'c2hvcnQ=' })).rejects.toThrow(/REELAY_ENCRYPTION_KEY/);
  });
});
