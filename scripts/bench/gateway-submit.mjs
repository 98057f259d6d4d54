// `pnpm bench:gateway` — POST /v1/jobs throughput and latency through the real gateway,
// with autocannon, against a real nats-server and a scheduler draining the system queue.
// A benchmark, not a test: it prints figures. Usage: node scripts/bench/gateway-submit.mjs [seconds] [connections]
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { startNatsServer, startProcess } from '../../packages/runtime/dist/testing/index.js';

const seconds = Number(process.argv[2] ?? 10);
const connections = Number(process.argv[3] ?? 50);
const key = 'bench-key-0123456789abcdef';
const keys = path.join(os.tmpdir(), `reelay-bench-keys-${process.pid}.json`);
writeFileSync(keys, JSON.stringify([{ key, scopes: ['jobs:write', 'jobs:read', 'admin'], projects: ['*'] }]));

const nats = await startNatsServer();
const env = { NATS_URL: nats.url, LOG_LEVEL: 'info' };
const scheduler = startProcess('services/scheduler/dist/main.js', env);
await scheduler.waitFor(/scheduler ready/, 30_000);
const gateway = startProcess('services/gateway/dist/main.js', {
  ...env,
  PORT: '0',
  REELAY_API_KEYS_FILE: keys,
  RATE_LIMIT_PER_MINUTE: '100000000',
});
const url = (await gateway.waitFor(/gateway ready on http:\/\/[\d.:]+/, 30_000)).split(' on ')[1];

try {
  const result = await autocannon({
    url: `${url}/v1/jobs`,
    method: 'POST',
    connections,
    duration: seconds,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'system.noop', input: {} }),
  });
  const ok = result['2xx'];
  console.log(`POST /v1/jobs (system.noop), ${connections} connections, ${seconds} s: ${Math.round(ok / seconds)} accepted jobs/s`);
  console.log(
    `latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms; non-2xx ${result.non2xx}, errors ${result.errors}`,
  );
} finally {
  await gateway.kill('SIGTERM');
  await scheduler.kill('SIGTERM');
  await nats.stop();
}
