// Times the operations paths against a real nats-server (started here, temp store):
//   seal + open of a job input with two sensitive fields (node:crypto AES-256-GCM), per job;
//   a bulk DLQ dry run and a bulk requeue over N dead letters (JobClient.bulkDeadLetters);
//   an audit query that scans N records with an in-gateway filter (AuditLog.query).
// Run after a build:  node scripts/bench/operations.mjs [deadLetters=1000] [auditRecords=5000]
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

const fromGateway = createRequire(new URL('../../services/gateway/package.json', import.meta.url));
const runtime = await import(fromGateway.resolve('@reelay/runtime'));
const testing = await import(fromGateway.resolve('@reelay/runtime/testing'));
const { AuditLog, InputCipher, newJobId } = runtime;

const deadLetters = Number(process.argv[2] ?? 1000);
const auditRecords = Number(process.argv[3] ?? 5000);
const time = async (fn) => {
  const t = performance.now();
  const r = await fn();
  return [performance.now() - t, r];
};

// ---- seal and open ----
const cipher = InputCipher.fromKeys({ key: randomBytes(32).toString('base64') });
const input = { text: 'x'.repeat(200), credentials: { token: `sk-${'t'.repeat(48)}`, secret: 's'.repeat(32) } };
const paths = ['credentials.token', 'credentials.secret'];
const rounds = 20_000;
for (let i = 0; i < 2_000; i++) cipher.open(cipher.seal(input, paths, { jobId: 'warm', type: 'acme.post' }), 'warm');
const [cryptoMs] = await time(async () => {
  for (let i = 0; i < rounds; i++) {
    const jobId = `job-${i}`;
    cipher.open(cipher.seal(input, paths, { jobId, type: 'acme.post' }), jobId);
  }
});

// ---- bulk DLQ and audit, on a real server ----
const system = await testing.startTestSystem({ queues: ['system'] });
try {
  const now = new Date().toISOString();
  await Promise.all(
    Array.from({ length: deadLetters }, (_, i) =>
      system.client.writeDeadLetter({
        job: {
          id: newJobId(),
          type: 'system.noop',
          queue: 'system',
          input: {},
          priority: 5,
          project: i % 2 ? 'alpha' : 'beta',
          maxAttempts: 1,
          createdAt: now,
        },
        reason: 'permanent',
        error: { code: i % 3 ? 'PERMANENT' : 'PROVIDER_ERROR', message: 'x', retryable: false },
        errors: [],
        deadAt: now,
      }),
    ),
  );
  const request = { filter: { errorCode: 'PERMANENT' }, projects: ['alpha'], limit: 10_000 };
  const [dryMs, dry] = await time(() => system.client.bulkDeadLetters('requeue', { ...request, dryRun: true }));
  const [requeueMs, requeued] = await time(() => system.client.bulkDeadLetters('requeue', { ...request, dryRun: false }));

  const audit = new AuditLog(system.ctx);
  await audit.ensure({ maxAgeMs: 86_400_000 });
  await Promise.all(
    Array.from({ length: auditRecords }, (_, i) =>
      audit.write({
        at: new Date().toISOString(),
        action: 'job.submit',
        outcome: 'ok',
        status: 202,
        key: { name: i % 100 === 0 ? 'rare' : 'busy', id: 'k' },
        project: 'alpha',
        method: 'POST',
        route: '/v1/jobs',
        requestId: `r${i}`,
      }),
    ),
  );
  const [pageMs, page] = await time(() => audit.query({ project: 'alpha', action: 'job.submit', limit: 100 }));
  const [scanMs, scan] = await time(() => audit.query({ key: 'rare', limit: 500 }));
  const [sinceMs] = await time(() => audit.query({ since: new Date(Date.now() - 1_000).toISOString(), limit: 1 }));

  const rows = [
    ['seal + open, 2 sensitive fields, per job', `${((cryptoMs * 1000) / rounds).toFixed(1)} µs`],
    [`bulk requeue dry run over ${deadLetters} dead letters (${dry.matched} matched)`, `${dryMs.toFixed(0)} ms`],
    [
      `bulk requeue of ${requeued.done} of ${deadLetters} dead letters`,
      `${requeueMs.toFixed(0)} ms (${((requeued.done / requeueMs) * 1000).toFixed(0)}/s)`,
    ],
    [`audit: first page of 100 (server-side filter), ${auditRecords} records`, `${pageMs.toFixed(0)} ms (${page.items.length} items)`],
    [`audit: filter by key, scanning ${Math.min(auditRecords, 5000)} records`, `${scanMs.toFixed(0)} ms (${scan.items.length} items)`],
    ['audit: find `since` by binary search', `${sinceMs.toFixed(1)} ms`],
  ];
  for (const [what, figure] of rows) console.log(`| ${what} | ${figure} |`);
} finally {
  await system.close();
}
