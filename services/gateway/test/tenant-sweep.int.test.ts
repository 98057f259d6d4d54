import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, ALPHA_KEY, type GatewayFixture, startGateway } from './gateway-fixture.js';
import { submit, waitDone } from './stream-clients.js';

/** In every beta resource that can carry a label, so it shows if any answer leaks one. */
const MARKER = 'beta-only-7f3a9c';

interface Beta {
  job: string;
  dead: string;
  workflow: string;
  schedule: string;
  artifact: string;
  batch: string;
}

/** Which beta resource a path's `{id}` names, by the collection it sits under. */
const COLLECTIONS: [prefix: string, resource: keyof Beta][] = [
  ['/v1/jobs/', 'job'],
  ['/v1/dlq/', 'dead'],
  ['/v1/workflows/', 'workflow'],
  ['/v1/schedules/', 'schedule'],
  ['/v1/artifacts/', 'artifact'],
  ['/v1/batches/', 'batch'],
];
const idFor = (path: string, beta: Beta): string | undefined => {
  const resource = COLLECTIONS.find(([prefix]) => path.startsWith(prefix))?.[1];
  return resource ? beta[resource] : undefined;
};

const created = async (res: Response): Promise<{ id: string }> => {
  if (res.status >= 300) throw new Error(`setup answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { id: string };
};

describe('a one-project key at every operation of the OpenAPI document, against another project’s resources', () => {
  let g: GatewayFixture;
  let beta: Beta;
  let operations: { path: string; method: string }[] = [];
  beforeAll(async () => {
    g = await startGateway({ AUTH_FAILURES_PER_MINUTE: '100000' });
    const labels = { owner: MARKER };
    const job = (await submit(g, { type: 'system.sleep', input: { ms: 120_000, steps: 1 }, project: 'beta', labels })).body.id;
    const deadJob = (await submit(g, { type: 'system.sleep', input: { ms: 1, failAttempts: 1 }, maxAttempts: 1, project: 'beta', labels }))
      .body.id;
    expect((await waitDone(g, deadJob)).status).toBe('failed');
    const workflow = await created(
      await g.call('/v1/workflows', {
        method: 'POST',
        json: { project: 'beta', steps: [{ id: 'long', type: 'system.sleep', input: { ms: 120_000 } }] },
      }),
    );
    const schedule = await created(
      await g.call('/v1/schedules', {
        method: 'POST',
        json: { project: 'beta', spec: { everyMs: 3_600_000 }, job: { type: 'system.noop', labels }, paused: true },
      }),
    );
    const artifact = await created(
      await g.call('/v1/artifacts?project=beta&name=beta.txt', { method: 'POST', body: MARKER, headers: { 'content-type': 'text/plain' } }),
    );
    const batch = await created(
      await g.call('/v1/batches', { method: 'POST', json: { items: [{ type: 'system.noop', project: 'beta', labels }] } }),
    );
    beta = { job, dead: deadJob, workflow: workflow.id, schedule: schedule.id, artifact: artifact.id, batch: batch.id };
    const spec = (await (await g.call('/docs/json')).json()) as { paths: Record<string, Record<string, unknown>> };
    operations = Object.entries(spec.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => ({ path, method })));
  });
  afterAll(() => g.close());

  it('reads none of them, changes none of them, and no list or summary names them', async () => {
    expect(operations.length).toBeGreaterThan(30);
    const betaIds = Object.values(beta);
    const leaks: string[] = [];
    for (const { path, method } of operations) {
      if (path === '/v1/ws' || path === '/v1/session') continue; // their own tests: security.int.test.ts, auth-plugin.test.ts
      const named = path.includes('{id}') ? idFor(path, beta) : undefined;
      if (path.includes('{') && !named) continue; // workers, queues and task types belong to no project
      const url = named ? path.replace('{id}', named) : path;
      const res = await g.call(url, {
        key: ALPHA_KEY,
        method: method.toUpperCase(),
        ...(method === 'post' ? { json: url === '/v1/dlq/requeue' || url === '/v1/dlq/discard' ? { filter: {} } : {} } : {}),
        signal: AbortSignal.timeout(10_000),
      });
      let text = '';
      if (res.headers.get('content-type')?.startsWith('text/event-stream')) await res.body?.cancel();
      else text = await res.text();
      const op = `${method.toUpperCase()} ${url} (${res.status})`;
      if (named && res.status !== 404 && res.status !== 403) leaks.push(`${op}: answered, not 404/403`);
      if (text.includes(MARKER)) leaks.push(`${op}: carries beta's label or content`);
      const others = betaIds.filter((id) => id !== named && text.includes(id));
      if (others.length > 0) leaks.push(`${op}: names beta's ${others.join(', ')}`);
    }
    expect(leaks).toEqual([]);

    // Nothing of beta's moved: the job still runs, its dead letter is kept, the workflow
    // runs, the schedule is still there and paused, the artifact still downloads.
    const read = async (url: string) => {
      const res = await g.call(url, { key: ADMIN_KEY });
      return { status: res.status, body: res.status === 200 ? await res.json() : undefined };
    };
    expect((await read(`/v1/jobs/${beta.job}`)).body).toMatchObject({ status: 'running' });
    expect((await read('/v1/dlq?queue=system')).body.items.map((d: { job: { id: string } }) => d.job.id)).toContain(beta.dead);
    expect((await read(`/v1/workflows/${beta.workflow}`)).body).toMatchObject({ status: 'running' });
    expect((await read(`/v1/schedules/${beta.schedule}`)).body).toMatchObject({ paused: true });
    expect(await g.call(`/v1/artifacts/${beta.artifact}`, { key: ADMIN_KEY }).then((r) => r.text())).toBe(MARKER);
  });
});
