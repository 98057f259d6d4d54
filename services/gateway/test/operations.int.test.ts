import { createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  type AuditListResponse,
  type BulkDlqResponse,
  EVENTS_STREAM,
  type JobRecord,
  jobEventSubject,
  jobsStream,
  REDACTED_VALUE,
  type WorkerControlReply,
  type WorkerHeartbeat,
} from '@reelay/contracts';
import { type ServiceProcess, waitUntil } from '@reelay/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALPHA_KEY, BETA_READER_KEY, type GatewayFixture, startGateway } from './gateway-fixture.js';
import { readSse, submit, waitDone } from './stream-clients.js';

const TEST_WORKER = fileURLToPath(new URL('../../../packages/runtime/dist/testing/test-worker.js', import.meta.url));
const KEY = randomBytes(32).toString('base64');
const TOKEN = 'tok-PLAINTEXT-5f1c9e';
const PASSWORD = 'pw-PLAINTEXT-8a22d0';

const json = async <T>(res: Response): Promise<T> => (await res.json()) as T;
const exitOf = (p: ServiceProcess) =>
  new Promise<number | null>((resolve) => {
    if (p.proc.exitCode !== null) return resolve(p.proc.exitCode);
    p.proc.once('exit', (code) => resolve(code));
  });

describe('operations: bulk DLQ, worker control and recycling, audit log, encrypted inputs', () => {
  let g: GatewayFixture;
  let workerA: ServiceProcess;
  let workerAId: string;

  const workerIdOf = async (p: ServiceProcess): Promise<string> =>
    waitUntil(
      async () => {
        const { items } = await json<{ items: WorkerHeartbeat[] }>(await g.call('/v1/workers'));
        return items.find((w) => w.pid === p.proc.pid && w.service === 'test-worker')?.id;
      },
      { timeoutMs: 10_000, intervalMs: 100, what: `worker ${p.proc.pid} to beat` },
    );
  const control = (id: string, action: string, key?: string) =>
    g.call(`/v1/workers/${encodeURIComponent(id)}/${action}`, { method: 'POST', ...(key ? { key } : {}) });
  const deadJob = async (body: Record<string, unknown>, key?: string): Promise<string> => {
    const { res, body: job } = await submit(g, body, key);
    expect(res.status).toBe(202);
    expect((await waitDone(g, job.id)).status).toBe('failed');
    return job.id;
  };
  const bulk = (action: 'requeue' | 'discard', body: unknown, key?: string) =>
    g.call(`/v1/dlq/${action}`, { method: 'POST', json: body, ...(key ? { key } : {}) });

  beforeAll(async () => {
    g = await startGateway({ REELAY_ENCRYPTION_KEY: KEY });
    workerA = await g.system.startService(TEST_WORKER, { REELAY_ENCRYPTION_KEY: KEY, WORKER_QUEUES: 'test' }, /test worker ready/);
    workerAId = await workerIdOf(workerA);
  });
  afterAll(() => g.close());

  it('bulk DLQ: a dry run counts and changes nothing; requeue and discard take only what the filter and the key allow', async () => {
    const sleepFail = { type: 'system.sleep', input: { ms: 1, failAttempts: 1 }, maxAttempts: 1 };
    const a1 = await deadJob(sleepFail, ALPHA_KEY);
    const a2 = await deadJob(sleepFail, ALPHA_KEY);
    const aPermanent = await deadJob({ type: 'test.permanent', input: {} }, ALPHA_KEY);
    const b1 = await deadJob({ ...sleepFail, project: 'beta' });

    const dry = await bulk('requeue', { type: 'system.sleep', maxAgeHours: 24, dryRun: true }, ALPHA_KEY);
    expect(dry.status).toBe(200);
    const dryBody = await json<BulkDlqResponse>(dry);
    expect(dryBody).toMatchObject({ action: 'requeue', dryRun: true, matched: 2, done: 0, failed: 0, truncated: false });
    expect(dryBody.items.map((i) => i.id).sort()).toEqual([a1, a2].sort());
    expect(dryBody.items.every((i) => i.outcome === 'matched' && i.project === 'alpha')).toBe(true);
    const listed = await json<{ items: { job: { id: string } }[] }>(await g.call('/v1/dlq?limit=500'));
    expect(listed.items.map((d) => d.job.id)).toEqual(expect.arrayContaining([a1, a2, aPermanent, b1]));
    const before = await g.system.client.get(a1);

    // Another project's letters are out of reach, by filter or without one.
    expect((await bulk('requeue', { project: 'beta' }, ALPHA_KEY)).status).toBe(403);
    expect((await bulk('requeue', { dryRun: true }, BETA_READER_KEY)).status).toBe(403);
    const alphaAll = await json<BulkDlqResponse>(await bulk('discard', { dryRun: true }, ALPHA_KEY));
    expect(alphaAll.items.map((i) => i.id).sort()).toEqual([a1, a2, aPermanent].sort());

    // Bad filters answer 400 and change nothing.
    for (const bad of [{ errorCode: 'lower' }, { surprise: 1 }, { maxAgeHours: -1 }, { queue: 'a.b' }, { limit: 0 }]) {
      const res = await bulk('requeue', bad, ALPHA_KEY);
      expect(res.status).toBe(400);
      expect((await json<{ error: { code: string } }>(res)).error.code).toBe('INVALID_INPUT');
    }

    const requeued = await json<BulkDlqResponse>(await bulk('requeue', { type: 'system.sleep', queue: 'system' }, ALPHA_KEY));
    expect(requeued).toMatchObject({ dryRun: false, matched: 2, done: 2, failed: 0 });
    expect(requeued.items.every((i) => i.outcome === 'requeued')).toBe(true);
    // Each ran again (attempts start over; this input fails again and dies anew, later).
    for (const id of [a1, a2]) {
      const again = await waitUntil(
        async () => {
          const job = await g.system.client.get(id);
          return job && job.status === 'failed' && (job.finishedAt ?? '') > (before?.finishedAt ?? '') ? job : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 100, what: `job ${id} to run again` },
      );
      expect(again.attempts).toBe(1);
    }

    const discarded = await json<BulkDlqResponse>(await bulk('discard', { errorCode: 'PERMANENT' }, ALPHA_KEY));
    expect(discarded).toMatchObject({ matched: 1, done: 1 });
    expect(discarded.items[0]).toMatchObject({ id: aPermanent, outcome: 'discarded', type: 'test.permanent' });
    const after = await json<{ items: { job: { id: string } }[] }>(await g.call('/v1/dlq?limit=500'));
    const ids = after.items.map((d) => d.job.id);
    expect(ids).not.toContain(aPermanent);
    expect(ids).toContain(b1);
  });

  it('sensitive inputs are ciphertext in every stream, redacted in every answer, and plain only to the handler', async () => {
    // Drained, the worker leaves the job on its queue, so the queue message can be read.
    expect((await control(workerAId, 'drain')).status).toBe(202);
    const { res, body } = await submit(
      g,
      { type: 'test.secret', input: { token: TOKEN, account: { password: PASSWORD }, label: 'shown' } },
      ALPHA_KEY,
    );
    expect(res.status).toBe(202);
    const queued = await json<JobRecord>(await g.call(`/v1/jobs/${body.id}`));
    expect(queued.input).toEqual({ token: REDACTED_VALUE, account: { password: REDACTED_VALUE }, label: 'shown' });

    const { jsm } = g.system.ctx;
    const message = await jsm.direct.getMessage(jobsStream('test'), { last_by_subj: 'jobs.test.normal' });
    const wire = new TextDecoder().decode(message?.data);
    expect(wire).toContain(body.id);
    expect(wire).toContain('aes-256-gcm');
    expect(wire).not.toContain(TOKEN);
    expect(wire).not.toContain(PASSWORD);

    expect((await control(workerAId, 'resume')).status).toBe(202);
    const done = await waitDone(g, body.id);
    expect(done.status).toBe('succeeded');
    expect(done.result).toEqual({
      tokenSha256: createHash('sha256').update(TOKEN).digest('hex'),
      passwordLength: PASSWORD.length,
      label: 'shown',
    });
    expect(done.input).toEqual(queued.input);

    // Every event of the job in EVENTS, byte for byte.
    let seq = 0;
    let events = 0;
    for (;;) {
      const m = await jsm.direct.getMessage(EVENTS_STREAM, { seq: seq + 1, next_by_subj: jobEventSubject(body.id) });
      if (!m) break;
      const text = new TextDecoder().decode(m.data);
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(PASSWORD);
      seq = m.seq;
      events += 1;
    }
    expect(events).toBeGreaterThanOrEqual(3);

    const sse = await readSse(await g.call(`/v1/jobs/${body.id}/events`));
    expect(sse.length).toBeGreaterThan(0);
    for (const e of sse) expect(e.data.job.input).toEqual(queued.input);
  });

  it('drain, recycle after N jobs and resume: the recycled worker exits 0 and no job is lost or run twice', async () => {
    expect((await control(workerAId, 'drain')).status).toBe(202);
    const drained = await json<{ items: WorkerHeartbeat[] }>(await g.call('/v1/workers'));
    expect(drained.items.find((w) => w.id === workerAId)?.state).toBe('draining');

    const workerB = await g.system.startService(
      TEST_WORKER,
      { REELAY_ENCRYPTION_KEY: KEY, WORKER_QUEUES: 'test', WORKER_MAX_JOBS: '3', WORKER_CONCURRENCY: '2' },
      /test worker ready/,
    );
    const exited = exitOf(workerB);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await submit(g, { type: 'test.echo', input: { i } }, ALPHA_KEY)).body.id);
    expect(await exited).toBe(0);
    expect(workerB.output()).toMatch(/recycling/);

    // A is drained and B is gone: what B did not take is still queued, untouched.
    const states = await Promise.all(ids.map(async (id) => (await g.system.client.get(id)) as JobRecord));
    expect(states.filter((j) => j.status === 'succeeded')).toHaveLength(3);
    expect(states.filter((j) => j.status === 'queued' && j.attempts === 0)).toHaveLength(2);

    const resumed = await json<WorkerControlReply>(await control(workerAId, 'resume'));
    expect(resumed).toMatchObject({ workerId: workerAId, action: 'resume', accepted: true, state: 'running' });
    for (const id of ids) {
      const job = await waitDone(g, id);
      expect(job.status).toBe('succeeded');
      expect(job.attempts).toBe(1);
      expect(job.errors).toEqual([]);
    }
  });

  it('worker control is admin-only, checks the id, and says 404 for a worker that is gone', async () => {
    expect((await control(workerAId, 'drain', ALPHA_KEY)).status).toBe(403);
    expect((await control('a*b', 'drain')).status).toBe(400);
    expect((await control('test-worker-nowhere-1-abcd', 'drain')).status).toBe(404);
    expect((await g.call(`/v1/workers/${workerAId}/explode`, { method: 'POST' })).status).toBe(404);

    const exited = exitOf(workerA);
    const res = await control(workerAId, 'shutdown');
    expect(res.status).toBe(202);
    expect(await json<WorkerControlReply>(res)).toMatchObject({ state: 'stopping', accepted: true });
    expect(await exited).toBe(0);
    expect((await control(workerAId, 'drain')).status).toBe(404);
  });

  it('the audit log records who did what, is filtered and paged for admins, and refuses everyone else', async () => {
    expect((await g.call('/v1/audit', { key: ALPHA_KEY })).status).toBe(403);
    expect((await g.call('/v1/audit?limit=0')).status).toBe(400);
    expect((await g.call('/v1/audit?action=no.such')).status).toBe(400);

    // Records are written before their answers, so they are read without waiting.
    const audit = async (q: string) => {
      const page = await json<AuditListResponse>(await g.call(`/v1/audit?${q}`));
      expect(page.items.length, `audit records for ${q}`).toBeGreaterThan(0);
      return page;
    };

    const bulkRequeues = await audit('action=dlq.bulk-requeue&project=alpha&outcome=ok');
    expect(bulkRequeues.items[0]).toMatchObject({
      action: 'dlq.bulk-requeue',
      outcome: 'ok',
      status: 200,
      key: { name: 'alpha' },
      project: 'alpha',
      method: 'POST',
      route: '/v1/dlq/requeue',
    });
    const denied = await audit('action=dlq.bulk-requeue&outcome=denied');
    expect(denied.items.map((r) => r.key?.name)).toEqual(expect.arrayContaining(['alpha', 'beta-reader']));
    expect(denied.items.find((r) => r.key?.name === 'alpha')?.errorCode).toBe('FORBIDDEN');

    const submits = await audit('action=job.submit&project=alpha');
    expect(submits.items.every((r) => r.project === 'alpha' && r.key?.name === 'alpha' && /^[0-9a-f-]{36}$/.test(r.target ?? ''))).toBe(
      true,
    );
    const controls = await audit(`action=worker.shutdown&target=${encodeURIComponent(workerAId)}`);
    expect(controls.items[0]).toMatchObject({ key: { name: 'admin' }, target: workerAId, outcome: 'ok' });
    // No record shows a sensitive value (records never carry bodies at all).
    const everything = await json<AuditListResponse>(await g.call('/v1/audit?limit=500'));
    expect(JSON.stringify(everything)).not.toContain(TOKEN);

    // Paging: one record a page, in order, each once.
    const first = await json<AuditListResponse>(await g.call('/v1/audit?action=job.submit&limit=1'));
    const second = await json<AuditListResponse>(await g.call(`/v1/audit?action=job.submit&limit=1&cursor=${first.nextCursor}`));
    expect(first.items).toHaveLength(1);
    expect(second.items).toHaveLength(1);
    expect((second.items[0]?.seq ?? 0) > (first.items[0]?.seq ?? 0)).toBe(true);
    const since = await json<AuditListResponse>(
      await g.call(`/v1/audit?action=worker.shutdown&since=${encodeURIComponent(controls.items[0]?.at ?? '')}`),
    );
    expect(since.items.map((r) => r.seq)).toContain(controls.items[0]?.seq);
    const future = await json<AuditListResponse>(
      await g.call(`/v1/audit?since=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`),
    );
    expect(future.items).toEqual([]);
  });
});
