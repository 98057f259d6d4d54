// `pnpm bench:gateway` — POST /v1/jobs throughput and latency through the real gateway,
// with autocannon, against a real nats-server and a scheduler draining the system queue.
// A benchmark, not a test: it prints figures. Usage: node scripts/bench/gateway-submit.mjs [seconds] [connections]
// Run from the repository root (it starts the gateway and scheduler built there). A 2 s
// warm-up at the same load precedes the measured window. BENCH_CPU_PROF=<dir> profiles the
// gateway and the scheduler (scripts/bench/cpu-profile.mjs); each leaves a .cpuprofile in <dir> when it exits.
//
// Besides jobs/s and latency it prints the CPU time each process spent in the measured
// window per accepted job (gateway, scheduler, nats-server, from /proc; the bench's own
// from process.cpuUsage): on a shared machine that is the figure to compare, wall-clock
// throughput swings with other load. BENCH_GATEWAY_ROOT=<checkout> runs the gateway and
// scheduler built in another checkout (an A/B against an older commit) with this script.
// BENCH_RATE=<requests/s> holds the load at that rate (autocannon's overallRate) instead of
// as fast as the connections go: two builds compared at one rate batch alike, so their CPU
// per job differs by their own work, not by how busy the machine let each be.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { startNatsServer, startProcess } from '../../packages/runtime/dist/testing/index.js';

// `pnpm bench:gateway -- 10 50` passes the `--` through: positional arguments are the rest.
const args = process.argv.slice(2).filter((a) => a !== '--');
// biome-ignore lint/suspicious/noUndeclaredEnvVars: a bench switch read outside any turbo task
const root = path.resolve(process.env.BENCH_GATEWAY_ROOT ?? '.');
// biome-ignore lint/suspicious/noUndeclaredEnvVars: a bench switch read outside any turbo task
const rate = process.env.BENCH_RATE ? Number(process.env.BENCH_RATE) : undefined;
if (rate !== undefined && !(rate > 0)) {
  console.error('BENCH_RATE must be a positive number of requests per second');
  process.exit(2);
}
const seconds = Number(args[0] ?? 10);
const connections = Number(args[1] ?? 50);
if (!(seconds > 0) || !(connections > 0)) {
  console.error('usage: gateway-submit.mjs [seconds] [connections] (both positive numbers)');
  process.exit(2);
}
const key = 'bench-key-0123456789abcdef';
const keys = path.join(os.tmpdir(), `reelay-bench-keys-${process.pid}.json`);
writeFileSync(keys, JSON.stringify([{ key, scopes: ['jobs:write', 'jobs:read', 'admin'], projects: ['*'] }]));

const nats = await startNatsServer();
const env = { NATS_URL: nats.url, LOG_LEVEL: 'info' };
// biome-ignore lint/suspicious/noUndeclaredEnvVars: a bench switch read outside any turbo task
const profileDir = process.env.BENCH_CPU_PROF;
/** With BENCH_CPU_PROF=<dir>, the gateway and the scheduler each leave a .cpuprofile there. */
const profiled = profileDir
  ? { NODE_OPTIONS: `--import=${new URL('./cpu-profile.mjs', import.meta.url).href}`, BENCH_CPU_PROF_DIR: path.resolve(profileDir) }
  : {};
const scheduler = startProcess(path.join(root, 'services/scheduler/dist/main.js'), { ...env, ...profiled });
await scheduler.waitFor(/scheduler ready/, 30_000);
const gateway = startProcess(path.join(root, 'services/gateway/dist/main.js'), {
  ...env,
  ...profiled,
  PORT: '0',
  REELAY_API_KEYS_FILE: keys,
  RATE_LIMIT_PER_MINUTE: '100000000',
});
const url = (await gateway.waitFor(/gateway ready on http:\/\/[\d.:]+/, 30_000)).split(' on ')[1];

const run = (duration) =>
  autocannon({
    url: `${url}/v1/jobs`,
    method: 'POST',
    connections,
    duration,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'system.noop', input: {} }),
    ...(rate ? { overallRate: rate } : {}),
  });

/** User + system CPU of a process so far, in ms (Linux /proc; clock ticks of 10 ms). */
const cpuMs = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};
/** The nats-server this script started: its child named so. */
const natsPid = () =>
  readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .find((d) => {
      try {
        const [comm, rest] = readFileSync(`/proc/${d}/stat`, 'utf8').split(') ');
        return comm.endsWith('(nats-server') && Number(rest.split(' ')[1]) === process.pid;
      } catch {
        return false; // Gone meanwhile.
      }
    });
const pids = { gateway: gateway.proc.pid, scheduler: scheduler.proc.pid, nats: Number(natsPid()) };
const cpuNow = () => ({
  ...Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, pid ? cpuMs(pid) : Number.NaN])),
  bench: (process.cpuUsage().user + process.cpuUsage().system) / 1_000,
});

try {
  await run(2);
  const load = os.loadavg()[0];
  const cpu0 = cpuNow();
  const result = await run(seconds);
  const cpu1 = cpuNow();
  const ok = result['2xx'];
  // CPU per accepted job, in µs, per process over the measured window.
  const cpuPerJobUs = Object.fromEntries(Object.keys(cpu0).map((k) => [k, Math.round(((cpu1[k] - cpu0[k]) * 1_000) / ok)]));
  const figures = {
    connections,
    ...(rate ? { rate } : {}),
    seconds,
    jobsPerSec: Math.round(ok / seconds),
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors,
    load1m: [Number(load.toFixed(2)), Number(os.loadavg()[0].toFixed(2))],
    cpuPerJobUs,
  };
  console.log(
    `POST /v1/jobs (system.noop), ${connections} connections${rate ? ` at ${rate} requests/s` : ''}, ${seconds} s: ${figures.jobsPerSec} accepted jobs/s`,
  );
  console.log(
    `latency p50 ${figures.p50} ms, p99 ${figures.p99} ms, max ${figures.max} ms; non-2xx ${figures.non2xx}, errors ${figures.errors}; load average ${figures.load1m.join(' → ')}`,
  );
  console.log(
    `CPU per accepted job: ${Object.entries(cpuPerJobUs)
      .map(([k, v]) => `${k} ${v} µs`)
      .join(', ')}`,
  );
  console.log(`result ${JSON.stringify(figures)}`);
} finally {
  await gateway.kill('SIGTERM');
  await scheduler.kill('SIGTERM');
  await nats.stop();
}
