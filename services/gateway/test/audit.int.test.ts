/**
 * The audit log's write comes before the answer, against a real gateway process and a
 * real nats-server: a client holding its answer can read the record, and a gateway
 * killed right after answering has not lost it.
 */
import type { AuditListResponse } from '@reelay/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALPHA_KEY, type GatewayFixture, startGateway } from './gateway-fixture.js';

const json = async <T>(res: Response): Promise<T> => (await res.json()) as T;

describe('audit log: written before the answer', () => {
  let g: GatewayFixture;
  beforeAll(async () => {
    g = await startGateway();
  });
  afterAll(() => g.close());

  it('holds an audited answer until its record is stored, and the record is readable as soon as the answer is', async () => {
    // A refused queue pause (it needs an admin key) is audited (outcome denied) and touches
    // nothing else, so while nats-server is stopped the only thing the answer can wait
    // for is the log.
    g.system.nats.pause();
    let answeredAt = 0;
    let resumedAt = 0;
    const answer = g.call('/v1/queues/default/pause', { method: 'POST', key: ALPHA_KEY }).then((res) => {
      answeredAt = performance.now();
      return res;
    });
    try {
      // Long enough for a gateway that does not wait for its log to have answered.
      await new Promise((r) => setTimeout(r, 750));
    } finally {
      resumedAt = performance.now();
      g.system.nats.resume();
    }
    const res = await answer;
    expect(res.status).toBe(403);
    expect(answeredAt).toBeGreaterThanOrEqual(resumedAt);

    // Read at once: no polling, the record is there.
    const page = await json<AuditListResponse>(await g.call('/v1/audit?action=queue.pause&outcome=denied'));
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ action: 'queue.pause', outcome: 'denied', status: 403, key: { name: 'alpha' } });
  });

  it('a submit is recorded with its job as target and the job’s project, also where the body named none', async () => {
    // The admin key may use every project: a submit without one goes to `default`, which
    // the answer does not say; the record still names it.
    const res = await g.call('/v1/jobs', { method: 'POST', json: { type: 'system.noop' } });
    expect(res.status).toBe(202);
    const { id } = await json<{ id: string }>(res);
    const page = await json<AuditListResponse>(await g.call(`/v1/audit?action=job.submit&project=default&target=${id}`));
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({
      action: 'job.submit',
      outcome: 'ok',
      status: 202,
      target: id,
      project: 'default',
      key: { name: 'admin' },
    });
  });

  it('records every audited answer, in order, with no wait between answer and read', async () => {
    for (let i = 0; i < 20; i++) {
      const res = await g.call('/v1/queues/default/resume', { method: 'POST', key: ALPHA_KEY });
      expect(res.status).toBe(403);
      const page = await json<AuditListResponse>(await g.call('/v1/audit?action=queue.resume&outcome=denied&limit=100'));
      expect(page.items).toHaveLength(i + 1);
    }
  });
});
