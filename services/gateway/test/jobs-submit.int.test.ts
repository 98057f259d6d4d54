import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { ErrorCode, jobsStream } from '@reelay/contracts';
import { idempotencyKvKey } from '@reelay/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayFixture, startGateway } from './gateway-fixture.js';
import { submit } from './stream-clients.js';

const TEST_WORKER = fileURLToPath(new URL('../../../packages/runtime/dist/testing/test-worker.js', import.meta.url));
const secretInput = { token: 'tok-PLAINTEXT', account: { password: 'pw-PLAINTEXT' }, label: 'l' };

describe('submitting through a gateway started without REELAY_ENCRYPTION_KEY', () => {
  let g: GatewayFixture;
  beforeAll(async () => {
    g = await startGateway();
    // The worker has the key and registers test.secret (its sensitive paths included); the gateway has none.
    await g.system.startService(
      TEST_WORKER,
      { REELAY_ENCRYPTION_KEY: randomBytes(32).toString('base64'), WORKER_QUEUES: 'test' },
      /test worker ready/,
    );
  });
  afterAll(() => g.close());

  const queuedSoFar = async () => (await g.system.ctx.jsm.streams.info(jobsStream('test'))).state.last_seq;

  it('a task with sensitive fields is refused 503 ENCRYPTION_KEY_MISSING without Retry-After, and nothing is written', async () => {
    const before = await queuedSoFar();
    const res = await g.call('/v1/jobs', {
      method: 'POST',
      json: { type: 'test.secret', input: secretInput },
      headers: { 'idempotency-key': 'refused-secret' },
    });
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(res.status).toBe(503);
    expect(body.error.code).toBe(ErrorCode.ENCRYPTION_KEY_MISSING);
    expect(body.error.message).toContain('REELAY_ENCRYPTION_KEY');
    expect(body.error.message).toContain('test.secret');
    expect(res.headers.get('retry-after')).toBeNull();
    expect(JSON.stringify(body)).not.toContain('PLAINTEXT');

    expect(await queuedSoFar()).toBe(before);
    expect(await g.system.buckets.idempotency.get(idempotencyKvKey('default', 'refused-secret'))).toBeNull();
    const listed = (await (await g.call('/v1/jobs?type=test.secret')).json()) as { items: unknown[] };
    expect(listed.items).toEqual([]);
  });

  it('a batch with one such item is refused the same way and queues none of its items', async () => {
    const before = await queuedSoFar();
    const res = await g.call('/v1/batches', {
      method: 'POST',
      json: {
        items: [
          { type: 'test.echo', input: { n: 1 } },
          { type: 'test.secret', input: secretInput },
        ],
      },
    });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(ErrorCode.ENCRYPTION_KEY_MISSING);
    expect(await queuedSoFar()).toBe(before);
  });

  it('a task without sensitive fields is still accepted', async () => {
    const { res } = await submit(g, { type: 'test.echo', input: { n: 2 } });
    expect(res.status).toBe(202);
  });

  it('submits at once share the store’s writes, and each answer comes after its own job is listed', async () => {
    // Many requests in flight: their store writes gather into shared transactions. Each
    // client lists right after its own answer and must find its job there.
    const seen = await Promise.all(
      Array.from({ length: 60 }, async (_, n) => {
        const { res, body } = await submit(g, { type: 'test.echo', input: { n }, labels: { round: 'gathered' } });
        expect(res.status).toBe(202);
        const listed = (await (await g.call(`/v1/jobs?label=round:gathered&limit=200`)).json()) as { items: { id: string }[] };
        return listed.items.some((j) => j.id === body.id);
      }),
    );
    expect(seen.filter((found) => !found)).toEqual([]);
  });
});
