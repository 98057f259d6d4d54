// Preloaded with `node --import` (NODE_OPTIONS allows that; it does not allow --cpu-prof
// on Node 20): profiles the whole process and writes a .cpuprofile into
// $BENCH_CPU_PROF_DIR when it exits. Open it in Chrome DevTools or speedscope.
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

// biome-ignore lint/suspicious/noUndeclaredEnvVars: a bench switch read outside any turbo task
const dir = process.env.BENCH_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  // A same-thread inspector session answers synchronously, so this works in 'exit'.
  process.on('exit', () => {
    session.post('Profiler.stop', (err, result) => {
      if (!err)
        writeFileSync(
          path.join(dir, `${path.basename(process.argv[1] ?? 'node')}-${process.pid}.cpuprofile`),
          JSON.stringify(result.profile),
        );
    });
  });
}
