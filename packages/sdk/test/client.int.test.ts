import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { waitUntil } from '@reelay/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { TaskType } from '@reelay/contracts';
import { createClient, type JobStreamEvent, ReelayApiError, type ReelayClient, type TypedJobStreamEvent } from '../src/index.js';
import { ADMIN_KEY, type GatewaySystem, READER_KEY, startGatewaySystem } from './gateway-system.js';

/** The SDK against the real gateway, real NATS and the real scheduler serving system.* jobs. */

let sys: GatewaySystem;
let client: ReelayClient;

beforeAll(async () => {
  sys = await startGatewaySystem();
  client = createClient({ baseUrl: sys.url, apiKey: ADMIN_KEY });
});
afterAll(async () => {
  await sys?.close();
});

async function collect<E extends JobStreamEvent | TypedJobStreamEvent<TaskType>>(events: AsyncIterable<E>): Promise<E[]> {
  const out: E[] = [];
  for await (const e of events) out.push(e);
  return out;
}

async function untilRunning(id: string): Promise<void> {
  for await (const event of client.events(id)) if (event.job.status === 'running') return;
}

describe('jobs', () => {
  it('submits a job typed by its task type and returns its typed result', async () => {
    const handle = await client.submit('system.sleep', { ms: 50, steps: 2 }, { labels: { suite: 'sdk' } });
    expect(handle).toMatchObject({ type: 'system.sleep', status: 'queued', queue: 'system', replayed: false });
    const result = await handle.result({ timeoutMs: 30_000 });
    expect(result.sleptMs).toBeGreaterThanOrEqual(50);
    const job = await handle.get();
    expect(job).toMatchObject({ id: handle.id, status: 'succeeded', progress: 100, input: { ms: 50 }, labels: { suite: 'sdk' } });
    expect(job.result?.sleptMs).toBe(result.sleptMs);
  });

  it('maps a repeated Idempotency-Key to the first job', async () => {
    const first = await client.submit('system.noop', {}, { idempotencyKey: 'sdk-idem-1' });
    const again = await client.submit('system.noop', {}, { idempotencyKey: 'sdk-idem-1' });
    expect(first.replayed).toBe(false);
    expect(again.replayed).toBe(true);
    expect(again.id).toBe(first.id);
  });

  it('lists jobs newest first in pages joined by nextCursor', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await client.submit('system.noop', {}, { project: 'paging' })).id);
    const first = await client.list({ project: 'paging', limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toBeDefined();
    const all = [];
    for await (const job of client.listAll({ project: 'paging', limit: 2 })) all.push(job);
    expect(all.map((j) => j.id)).toEqual([...ids].reverse());
    expect(all.every((j) => j.project === 'paging')).toBe(true);
  });

  it('waits for a job to finish, and reports a TIMEOUT error while it is still running', async () => {
    const handle = await client.submit('system.sleep', { ms: 60_000, steps: 60 });
    const err = await client.wait(handle.id, { timeoutMs: 200 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReelayApiError);
    expect(err).toMatchObject({ status: 408, code: 'TIMEOUT', retryable: true });
    await handle.cancel();
    const done = await handle.wait({ timeoutMs: 30_000 });
    expect(done.status).toBe('cancelled');
  });

  it('cancels a running system.sleep; cancelling it again is a 409 CONFLICT', async () => {
    const handle = await client.submit('system.sleep', { ms: 60_000, steps: 600 });
    await untilRunning(handle.id);
    const afterCancel = await handle.cancel();
    expect(afterCancel.id).toBe(handle.id);
    const done = await handle.wait({ timeoutMs: 30_000 });
    expect(done.status).toBe('cancelled');
    const again = await handle.cancel().catch((e: unknown) => e);
    expect(again).toBeInstanceOf(ReelayApiError);
    expect(again).toMatchObject({ status: 409, code: 'CONFLICT', retryable: false });
  });

  it('streams state and progress events and ends after the terminal state', async () => {
    const handle = await client.submit('system.sleep', { ms: 300, steps: 3 });
    const events = await collect(handle.events());
    const last = events.at(-1)!;
    expect(last.kind).toBe('state');
    expect(last.job.status).toBe('succeeded');
    expect(last.job.result?.sleptMs).toBeGreaterThanOrEqual(300);
    expect(events.some((e) => e.kind === 'progress')).toBe(true);
    expect(events.map((e) => e.job.status)).toContain('running');
    const seqs = events.map((e) => Number(e.eventId));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('watchJobs follows several jobs on one WebSocket until all have finished, each ending in its final record', async () => {
    // `a` runs until cancelled from inside the loop, so the stream must carry a change after its first record.
    const a = await client.submit('system.sleep', { ms: 60_000, steps: 60 });
    const b = await client.submit('system.sleep', { ms: 10, failAttempts: 5 }, { maxAttempts: 1 });
    const seen: Array<{ id: string; status: string }> = [];
    for await (const job of client.watchJobs([a.id, b.id], { WebSocket })) {
      seen.push({ id: job.id, status: job.status });
      if (job.id === a.id && seen.filter((j) => j.id === a.id).length === 1) await a.cancel();
    }
    const of = (id: string) => seen.filter((j) => j.id === id).map((j) => j.status);
    expect(of(a.id)[0]).toMatch(/^(queued|running)$/);
    expect(of(a.id).at(-1)).toBe('cancelled');
    expect(of(b.id).at(-1)).toBe('failed');
  });

  it('watchJobs rejects a job the key cannot see with its NOT_FOUND code, and an aborted signal ends it', async () => {
    const reader = createClient({ baseUrl: sys.url, apiKey: READER_KEY });
    const hidden = await client.submit('system.noop', {}, { project: 'not-beta' });
    await expect(reader.watchJobs([hidden.id], { WebSocket }).next()).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const long = await client.submit('system.sleep', { ms: 60_000, steps: 60 });
    const abort = new AbortController();
    const statuses: string[] = [];
    const done = (async () => {
      for await (const job of client.watchJobs([long.id], { WebSocket, signal: abort.signal })) {
        statuses.push(job.status);
        abort.abort(new Error('seen enough'));
      }
    })();
    await expect(done).rejects.toThrow('seen enough');
    expect(statuses).toHaveLength(1);
    await long.cancel();
  });

  it('resumes an event stream from a Last-Event-ID with exactly the events after it', async () => {
    const handle = await client.submit('system.sleep', { ms: 100, steps: 4 });
    // From event 0: the whole history (without a Last-Event-ID a stream starts at the job's latest event).
    const all = await collect(handle.events({ lastEventId: '0' }));
    expect(all.length).toBeGreaterThan(3);
    const resumed = await collect(handle.events({ lastEventId: all[1]!.eventId }));
    expect(resumed.map((e) => e.eventId)).toEqual(all.slice(2).map((e) => e.eventId));
  });
});

describe('batches', () => {
  it('submits every item and counts them by state until the batch is done', async () => {
    const batch = await client.submitBatch([
      { type: 'system.noop', input: {} },
      { type: 'system.sleep', input: { ms: 20 } },
      { type: 'system.noop', input: {} },
    ]);
    expect(batch.jobIds).toHaveLength(3);
    const view = await waitUntil(
      async () => {
        const v = await client.getBatch(batch.id);
        return v.done ? v : undefined;
      },
      { timeoutMs: 30_000, what: 'the batch to finish' },
    );
    expect(view).toMatchObject({ id: batch.id, total: 3, done: true });
    expect(view.counts.succeeded).toBe(3);
    expect([...view.jobIds].sort()).toEqual([...batch.jobIds].sort());
  });
});

describe('queues and workers', () => {
  it('lists the default queues and shows one by name', async () => {
    const queues = await client.listQueues();
    expect(queues.map((q) => q.name)).toEqual(expect.arrayContaining(['system', 'media', 'ai', 'publish']));
    const system = await client.getQueue('system');
    expect(system.name).toBe('system');
    expect(system.bands.map((b) => b.band).sort()).toEqual(['high', 'low', 'normal']);
  });

  it('holds jobs on a paused queue, purges them, and runs jobs again after resume', async () => {
    expect((await client.pauseQueue('system')).paused).toBe(true);
    try {
      const held = await client.submit('system.noop', {});
      await waitUntil(async () => ((await client.getQueue('system')).pending > 0 ? true : undefined), {
        what: 'the job to wait in the queue',
      });
      expect(await client.purgeQueue('system')).toBeGreaterThanOrEqual(1);
      expect((await client.get(held.id)).status).toBe('cancelled');
    } finally {
      expect((await client.resumeQueue('system')).paused).toBe(false);
    }
    const after = await client.submit('system.noop', {});
    expect((await after.wait({ timeoutMs: 30_000 })).status).toBe('succeeded');
  });

  it("lists the scheduler's worker from its heartbeat", async () => {
    const workers = await waitUntil(async () => {
      const list = await client.listWorkers();
      return list.length > 0 ? list : undefined;
    });
    expect(workers.find((w) => w.service === 'scheduler')?.queues).toContain('system');
  });
});

describe('dead letters', () => {
  it('a job that exhausts its attempts lands in the DLQ and can be requeued with a corrected input', async () => {
    const handle = await client.submit('system.sleep', { ms: 10, failAttempts: 5 }, { maxAttempts: 1 });
    expect((await handle.wait({ timeoutMs: 30_000 })).status).toBe('failed');
    const dead = await waitUntil(async () => (await client.listDeadLetters({ queue: 'system' })).find((d) => d.job.id === handle.id));
    expect(dead.error.message).toBeTruthy();
    const requeued = await client.requeueDeadLetter(handle.id, { input: { ms: 10 } });
    const done = await client.wait(requeued.id, { timeoutMs: 30_000 });
    expect(done).toMatchObject({ status: 'succeeded', input: { ms: 10 } });
  });

  it('deletes a dead letter; deleting it again is a 404', async () => {
    const handle = await client.submit('system.sleep', { ms: 10, failAttempts: 5 }, { maxAttempts: 1 });
    await handle.wait({ timeoutMs: 30_000 });
    await waitUntil(async () => (await client.listDeadLetters()).some((d) => d.job.id === handle.id));
    await client.deleteDeadLetter(handle.id);
    expect((await client.listDeadLetters()).some((d) => d.job.id === handle.id)).toBe(false);
    await expect(client.deleteDeadLetter(handle.id)).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });
});

describe('schedules', () => {
  it('creates a schedule that fires, pauses and resumes it, triggers its job now and deletes it', async () => {
    const created = await client.createSchedule({
      id: 'sdk-every-second',
      spec: { everyMs: 1_000 },
      job: { type: 'system.noop', input: {}, labels: { suite: 'sdk' } },
      project: 'sched',
    });
    expect(created).toMatchObject({ id: 'sdk-every-second', project: 'sched', overlap: 'skip', paused: false, builtIn: false });
    const fired = await waitUntil(
      async () => {
        const s = await client.getSchedule(created.id);
        return s.state.fired > 0 && s.state.lastJobId ? s : undefined;
      },
      { timeoutMs: 30_000, what: 'the schedule to fire' },
    );
    const tickJob = await client.wait(fired.state.lastJobId!, { timeoutMs: 30_000 });
    expect(tickJob).toMatchObject({ type: 'system.noop', project: 'sched', labels: { suite: 'sdk', 'reelay.schedule': created.id } });

    expect((await client.pauseSchedule(created.id)).paused).toBe(true);
    expect((await client.listSchedules({ project: 'sched' })).map((s) => s.id)).toEqual([created.id]);
    // A paused schedule can still be run by hand: one job, labelled with the schedule, not counted as a tick.
    const triggered = await client.triggerSchedule(created.id, { idempotencyKey: 'sdk-manual-1' });
    expect(triggered).toMatchObject({ scheduleId: created.id, project: 'sched', replayed: false });
    const manual = await client.wait(triggered.id, { timeoutMs: 30_000 });
    expect(manual).toMatchObject({ status: 'succeeded', project: 'sched', labels: { 'reelay.schedule': created.id } });
    expect(manual.labels?.['reelay.tick']).toBeUndefined();
    // The same key again is the same job, not a second run.
    expect(await client.triggerSchedule(created.id, { idempotencyKey: 'sdk-manual-1' })).toMatchObject({
      id: triggered.id,
      replayed: true,
    });
    expect((await client.getSchedule(created.id)).state.lastJobId).not.toBe(triggered.id);
    expect((await client.resumeSchedule(created.id)).paused).toBe(false);

    await client.deleteSchedule(created.id);
    await expect(client.getSchedule(created.id)).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });
    await expect(client.triggerSchedule(created.id)).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('refuses a bad cron expression and a repeated id with 400 and 409, creating nothing', async () => {
    await expect(
      client.createSchedule({ id: 'sdk-bad-cron', spec: { cron: '61 * * * *', timezone: 'UTC' }, job: { type: 'system.noop' } }),
    ).rejects.toMatchObject({ status: 400, code: 'INVALID_INPUT' });
    await expect(client.getSchedule('sdk-bad-cron')).rejects.toMatchObject({ status: 404 });
    await client.createSchedule({ id: 'sdk-twice', spec: { everyMs: 3_600_000 }, job: { type: 'system.noop' }, paused: true });
    await expect(client.createSchedule({ id: 'sdk-twice', spec: { everyMs: 60_000 }, job: { type: 'system.noop' } })).rejects.toMatchObject(
      { status: 409, code: 'CONFLICT' },
    );
    expect((await client.getSchedule('sdk-twice')).spec).toEqual({ everyMs: 3_600_000 });
    await client.deleteSchedule('sdk-twice');
  });
});

describe('workflows', () => {
  it('waitWorkflow resolves with the finished workflow, and workflowEvents reports each step change until the end', async () => {
    const { id } = await client.submitWorkflow({
      name: 'sdk-wait',
      steps: [
        { id: 'a', type: 'system.sleep', input: { ms: 50 } },
        { id: 'b', type: 'system.noop', input: {}, dependsOn: ['a'] },
      ],
    });
    const events = [];
    for await (const event of client.workflowEvents(id)) events.push(event);
    expect(events[0]!.changedSteps.map((s) => s.id)).toEqual(['a', 'b']);
    expect(events.at(-1)!.workflow.status).toBe('succeeded');
    const finished = events.flatMap((e) => e.changedSteps.filter((s) => s.status === 'succeeded').map((s) => s.id));
    expect(finished).toEqual(['a', 'b']);
    const done = await client.waitWorkflow(id, { timeoutMs: 30_000 });
    expect(done).toMatchObject({ id, status: 'succeeded', progress: 100 });
  });

  it('waitWorkflow and workflowEvents follow the gateway’s pushed events: the workflow is never read while they wait', async () => {
    // GET /v1/workflows/:id answers counted by the gateway itself.
    const reads = async () => {
      const text = await (await fetch(`${sys.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).text();
      return [...text.matchAll(/^reelay_http_requests_total\{[^}]*route="\/v1\/workflows\/:id"[^}]*\} (\d+)/gm)].reduce(
        (n, m) => n + Number(m[1]),
        0,
      );
    };
    const before = await reads();
    const { id } = await client.submitWorkflow({
      steps: [
        { id: 'a', type: 'system.sleep', input: { ms: 1_500, steps: 3 } },
        { id: 'b', type: 'system.noop', input: {}, dependsOn: ['a'] },
      ],
    });
    const progress: number[] = [];
    for await (const { changedSteps } of client.workflowEvents(id))
      for (const step of changedSteps) if (step.id === 'a' && step.status === 'running') progress.push(step.progress);
    expect((await client.waitWorkflow(id, { timeoutMs: 30_000 })).status).toBe('succeeded');
    expect(await reads()).toBe(before);
    // Step a was seen running while it ran, not only once it had finished.
    expect(progress.length).toBeGreaterThan(0);
  });

  it('waitWorkflow throws a 408 TIMEOUT while the workflow still runs, and a 404 for an unknown one', async () => {
    const { id } = await client.submitWorkflow({ steps: [{ id: 'long', type: 'system.sleep', input: { ms: 60_000, steps: 60 } }] });
    const err = await client.waitWorkflow(id, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReelayApiError);
    expect(err).toMatchObject({ status: 408, code: 'TIMEOUT' });
    await client.cancelWorkflow(id);
    expect((await client.waitWorkflow(id, { timeoutMs: 30_000 })).status).toBe('cancelled');
    await expect(client.waitWorkflow('no-such-workflow')).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });
});

describe('lists and counts', () => {
  it('lists jobs by label, queue and status, counts them by state, and pages workflows and batches newest first', async () => {
    const ok = await client.submit('system.noop', {}, { project: 'sdk-lists', labels: { run: 'l1' } });
    const bad = await client.submit(
      'system.sleep',
      { ms: 5, failAttempts: 3 },
      { project: 'sdk-lists', labels: { run: 'l1' }, maxAttempts: 1 },
    );
    await client.submit('system.noop', {}, { project: 'sdk-lists', labels: { run: 'other' } });
    await ok.wait({ timeoutMs: 30_000 });
    await bad.wait({ timeoutMs: 30_000 });
    // The store is fed from EVENTS: a finished job's row catches up a moment after its KV record.
    const failed = await waitUntil(async () => {
      const page = await client.list({ project: 'sdk-lists', label: 'run:l1', queue: 'system', status: 'failed' });
      return page.items.length > 0 ? page : undefined;
    });
    expect(failed.items.map((j) => j.id)).toEqual([bad.id]);
    const counts = await waitUntil(async () => {
      const c = await client.countJobs({ project: 'sdk-lists', label: 'run:l1' });
      return c.byStatus.succeeded === 1 && c.byStatus.failed === 1 ? c : undefined;
    });
    expect(counts.total).toBe(2);

    const batches = [await client.submitBatch([{ type: 'system.noop', input: {}, project: 'sdk-groups' }])];
    batches.push(await client.submitBatch([{ type: 'system.noop', input: {}, project: 'sdk-groups' }]));
    const first = await client.listBatches({ project: 'sdk-groups', limit: 1 });
    expect(first.items.map((b) => b.id)).toEqual([batches[1]!.id]);
    const second = await client.listBatches({ project: 'sdk-groups', limit: 1, cursor: first.nextCursor });
    expect(second.items.map((b) => b.id)).toEqual([batches[0]!.id]);

    const { id } = await client.submitWorkflow({ project: 'sdk-groups', steps: [{ id: 'x', type: 'system.noop', input: {} }] });
    await client.waitWorkflow(id, { timeoutMs: 30_000 });
    // Its steps are submitted by the scheduler, not this gateway: the list has them once the
    // projector has read their events.
    const workflows = await waitUntil(async () => {
      const page = await client.listWorkflows({ project: 'sdk-groups' });
      return page.items.length > 0 ? page : undefined;
    });
    expect(workflows.items.map((w) => w.id)).toEqual([id]);
  });

  it('lists task types and delayed jobs; an unknown task type is a 404', async () => {
    const tasks = await client.listTasks();
    expect(tasks.map((t) => t.type)).toEqual(expect.arrayContaining(['system.sleep', 'system.noop']));
    expect(await client.getTask('system.sleep')).toMatchObject({ type: 'system.sleep', queue: 'system', builtIn: true });
    await expect(client.getTask('acme.nothing')).rejects.toMatchObject({ status: 404 });

    const later = await client.submit('system.noop', {}, { project: 'sdk-delayed', delayMs: 3_600_000 });
    const delayed = await client.listDelayedJobs({ project: 'sdk-delayed' });
    expect(delayed.map((j) => [j.id, j.status])).toEqual([[later.id, 'scheduled']]);
    await later.cancel();
    await waitUntil(async () => ((await client.listDelayedJobs({ project: 'sdk-delayed' })).length === 0 ? true : undefined), {
      what: 'the cancelled job to leave the delayed list',
    });
  });

  it('rejects a filter the contracts refuse with 400 INVALID_INPUT', async () => {
    await expect(client.list({ label: 'no-colon' })).rejects.toMatchObject({ status: 400, code: 'INVALID_INPUT' });
    await expect(client.countJobs({ createdAfter: 'yesterday' })).rejects.toMatchObject({ status: 400, code: 'INVALID_INPUT' });
  });
});

describe('dead letters by filter and the audit log', () => {
  it('requeueDeadLetters with dryRun only counts; without it requeues exactly the matches, and the audit log records who did it', async () => {
    const dead = await client.submit('system.sleep', { ms: 5, failAttempts: 1 }, { project: 'sdk-bulk', maxAttempts: 1 });
    await dead.wait({ timeoutMs: 30_000 });
    await waitUntil(async () => (await client.listDeadLetters({ queue: 'system', limit: 500 })).some((d) => d.job.id === dead.id));
    const dry = await client.requeueDeadLetters({ project: 'sdk-bulk', dryRun: true });
    expect(dry).toMatchObject({ action: 'requeue', dryRun: true, matched: 1, done: 0 });
    expect(dry.items).toMatchObject([{ id: dead.id, outcome: 'matched', project: 'sdk-bulk' }]);
    expect((await client.listDeadLetters({ queue: 'system', limit: 500 })).some((d) => d.job.id === dead.id)).toBe(true);

    // failAttempts 1 with one attempt: it fails again and comes back to the DLQ, now as the requeued run.
    const done = await client.requeueDeadLetters({ project: 'sdk-bulk' });
    expect(done).toMatchObject({ dryRun: false, matched: 1, done: 1, failed: 0 });
    expect(done.items[0]).toMatchObject({ id: dead.id, outcome: 'requeued' });

    const audited = await waitUntil(async () => {
      const page = await client.listAudit({ action: 'dlq.bulk-requeue' });
      return page.items.find((r) => r.outcome === 'ok') ? page.items : undefined;
    });
    expect(audited.at(-1)).toMatchObject({ action: 'dlq.bulk-requeue', outcome: 'ok', key: { name: 'admin' } });
    const reader = createClient({ baseUrl: sys.url, apiKey: READER_KEY });
    await expect(reader.listAudit()).rejects.toMatchObject({ status: 403, code: 'FORBIDDEN' });
  });
});

describe('artifacts', () => {
  it('uploads a Node stream and downloads it whole and by byte range', async () => {
    const bytes = randomBytes(300_000);
    const chunks = [bytes.subarray(0, 100_000), bytes.subarray(100_000, 250_000), bytes.subarray(250_000)];
    const ref = await client.uploadArtifact(Readable.from(chunks), { name: 'noise.bin', project: 'media-tests' });
    expect(ref).toMatchObject({ name: 'noise.bin', size: bytes.length, contentType: 'application/octet-stream', project: 'media-tests' });

    const whole = await client.downloadArtifact(ref.id);
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.bytes()).equals(bytes)).toBe(true);

    const part = await client.downloadArtifact(ref.id, { range: { start: 99_990, end: 100_009 } });
    expect(part.status).toBe(206);
    expect(part.contentRange).toBe(`bytes 99990-100009/${bytes.length}`);
    expect(Buffer.from(await part.bytes()).equals(bytes.subarray(99_990, 100_010))).toBe(true);
  });

  it('uploads bytes with their content type', async () => {
    const ref = await client.uploadArtifact(new TextEncoder().encode('WEBVTT\n'), { name: 'captions.vtt', contentType: 'text/vtt' });
    const download = await client.downloadArtifact(ref.id);
    expect(download.contentType).toBe('text/vtt');
    expect(new TextDecoder().decode(await download.bytes())).toBe('WEBVTT\n');
  });
});

describe('typed errors', () => {
  it('rejects an input that breaks the task contract with a 400 INVALID_INPUT', async () => {
    // @ts-expect-error — ms must be a number: the compiler catches it, and so does the gateway.
    const err = await client.submit('system.sleep', { ms: 'soon' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReelayApiError);
    expect(err).toMatchObject({ status: 400, code: 'INVALID_INPUT', retryable: false });
  });

  it('rejects an unknown API key with 401 and a missing scope with 403', async () => {
    const stranger = createClient({ baseUrl: sys.url, apiKey: 'not-a-real-key-0123456789' });
    await expect(stranger.list()).rejects.toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    const reader = createClient({ baseUrl: sys.url, apiKey: READER_KEY });
    await expect(reader.submit('system.noop', {}, { project: 'beta' })).rejects.toMatchObject({ status: 403, code: 'FORBIDDEN' });
  });

  it('reports a missing job as a 404 NOT_FOUND', async () => {
    const err = await client.get('00000000-0000-7000-8000-000000000000').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReelayApiError);
    expect(err).toMatchObject({ status: 404, code: 'NOT_FOUND', retryable: false });
  });
});
