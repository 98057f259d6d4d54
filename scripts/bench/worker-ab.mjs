// Worker A/B: the same workload against two (or more) builds of @reelay/runtime, in
// alternated rounds, reporting the worker's CPU per job (process.cpuUsage in the worker),
// nats-server's (from /proc) and the bench's, beside jobs/s. On a shared machine the CPU
// per job is the steadier figure; wall-clock throughput swings with other load. A
// benchmark, not a test: it asserts nothing.
//
//   node scripts/bench/worker-ab.mjs --variants base=PATH/index.js,new=packages/runtime/dist/index.js \
//        [--mode drain|submit|latency] [--jobs 10000] [--c 1,50] [--rounds 3] [--prof DIR]
// A variant may name flags for its worker's node process after its path, each after a `+`:
//   --variants plain=packages/runtime/dist/index.js,semi=packages/runtime/dist/index.js+--max-semi-space-size=32
//
// drain: N jobs prefilled, then one worker process drains them (timed from its ready).
// submit: the worker waits; N jobs submitted in batches of 1,000 while it drains.
// latency: N jobs one at a time (after 20 warm-up), submit -> the handler's start (as it
// reports it, packages/bench/src/handler-start.ts) / the succeeded event.
// A base build of another commit, e.g. HEAD~1 (inside the runtime package so its
// dependencies resolve):
//   B=packages/runtime/node_modules/.ab-base; mkdir -p $B && git archive HEAD~1 packages/runtime/src \
//     packages/runtime/tsconfig.json | tar -x --strip-components=2 -C $B && (cd $B && ../../../../node_modules/.bin/tsc -p tsconfig.json)
// The submitting side is always this checkout's build (packages/bench/dist): build it first.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
const B = new URL('../../packages/bench/dist', import.meta.url).pathname;
const WORKER = new URL('./worker-ab-worker.mjs', import.meta.url).pathname;
const { startReelay } = await import(`${B}/reelay-system.js`);
const { monotonicMs } = await import(`${B}/monotonic-clock.js`);
const { values: a } = parseArgs({
  options: {
    jobs: { type: 'string', default: '20000' },
    c: { type: 'string', default: '1,50' },
    rounds: { type: 'string', default: '3' },
    variants: { type: 'string' },
    prof: { type: 'string' },
    mode: { type: 'string', default: 'drain' },
  },
});
const N = Number(a.jobs);
/** `name=PATH[+NODE_FLAG…]`: the build a variant's worker imports, and flags for its node process. */
const variants = a.variants.split(',').map((v) => {
  const [n, spec] = [v.slice(0, v.indexOf('=')), v.slice(v.indexOf('=') + 1)];
  const [p, ...flags] = spec.split('+');
  return [n, path.resolve(p), flags];
});
const ticks = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};
const ask = (child) =>
  new Promise((r) => {
    child.once('message', (m) => r(m.cpu));
    child.send('cpu');
  });
const results = [];
/** Records a run's figures and takes its worker, queue and servers down. */
async function finish(r, child, q, sys) {
  results.push(r);
  console.log(JSON.stringify(r));
  child.send('stop');
  await new Promise((done) => child.once('exit', done));
  await q.close();
  await sys.close();
}
for (let round = 1; round <= Number(a.rounds); round++) {
  const order = round % 2 ? variants : [...variants].reverse();
  for (const c of a.c.split(',').map(Number))
    for (const [name, runtimePath, flags] of order) {
      const sys = await startReelay({ payloadBytes: 0 });
      const serverPid = sys.pids()[0];
      const q = await sys.openQueue();
      const { jobsStream } = await import(new URL('../../packages/contracts/dist/index.js', import.meta.url).href);
      const stream = jobsStream('system');
      const info = async () => (await sys.runtime.ctx.jsm.streams.info(stream)).state.messages;
      const before = await info();
      if (a.mode === 'drain') for (let i = 0; i < N; i += 1000) await q.submitBatch(Math.min(1000, N - i));
      const execArgv = [...flags, ...(a.prof ? ['--cpu-prof', `--cpu-prof-dir=${a.prof}/${name}-c${c}`] : [])];
      const child = fork(WORKER, [sys.natsUrl, String(c), runtimePath], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const ready = await new Promise((r) => child.once('message', r));
      const t0 = performance.now();
      const s0 = ticks(serverPid);
      const w0 = ready.cpu;
      const b0 = process.cpuUsage();
      if (a.mode === 'submit') for (let i = 0; i < N; i += 1000) await q.submitBatch(Math.min(1000, N - i));
      if (a.mode === 'latency') {
        const times = await q.watch();
        const st = [],
          dn = [];
        for (let i = 0; i < N + 20; i++) {
          const tm = monotonicMs();
          const t = performance.now();
          const id = await q.submitOne();
          await times.untilJobDone(id);
          if (i >= 20) {
            st.push(times.handlerStarted.get(id) - tm);
            dn.push(times.done.get(id) - t);
          }
        }
        const pc = (xs, p) => {
          const s = [...xs].sort((x, y) => x - y);
          return +s[Math.min(s.length - 1, Math.floor((s.length * p) / 100))].toFixed(2);
        };
        const w1 = await ask(child);
        const r = {
          round,
          name,
          c,
          startP50: pc(st, 50),
          startP99: pc(st, 99),
          doneP50: pc(dn, 50),
          doneP99: pc(dn, 99),
          workerUsPerJob: +((w1.user + w1.system - w0.user - w0.system) / N).toFixed(1),
          load: (await import('node:os')).loadavg()[0].toFixed(1),
        };
        await finish(r, child, q, sys);
        continue;
      }
      while ((await info()) > before) await new Promise((r) => setTimeout(r, 10));
      const wall = performance.now() - t0;
      const w1 = await ask(child);
      const s1 = ticks(serverPid);
      const b1 = process.cpuUsage(b0);
      const wcpu = (w1.user + w1.system - w0.user - w0.system) / 1000;
      const r = {
        round,
        name,
        c,
        jobsPerS: Math.round((N / wall) * 1000),
        workerUsPerJob: +((wcpu * 1000) / N).toFixed(1),
        serverUsPerJob: +(((s1 - s0) * 1000) / N).toFixed(1),
        benchUsPerJob: +((b1.user + b1.system) / N).toFixed(1),
        load: (await import('node:os')).loadavg()[0].toFixed(1),
      };
      await finish(r, child, q, sys);
    }
}
const med = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  const m = (s.length - 1) / 2;
  return +((s[Math.floor(m)] + s[Math.ceil(m)]) / 2).toFixed(2);
};
for (const c of a.c.split(',').map(Number))
  for (const [name] of variants) {
    const rs = results.filter((r) => r.c === c && r.name === name);
    const m = (key) => med(rs.map((r) => r[key]));
    console.log(
      a.mode === 'latency'
        ? `c=${c} ${name}: median submit→start p50 ${m('startP50')} p99 ${m('startP99')} ms, submit→done p50 ${m('doneP50')} p99 ${m('doneP99')} ms`
        : `c=${c} ${name}: median jobs/s ${m('jobsPerS')}, worker µs/job ${m('workerUsPerJob')}, server µs/job ${m('serverUsPerJob')}  (${rs.map((r) => r.jobsPerS).join(' / ')})`,
    );
  }
process.exit(0);
