// The sample pipeline the start command runs: the `reel` preset — script, a picture per
// scene, voice, music, word captions, a render with motion, title card and outro,
// thumbnails, optimize, publish to a local folder — followed step by step through the
// SDK, ending with the path of the published video. docs/images/sample-reel-contact-sheet.png
// is a contact sheet of what it makes (docs/workflows.md, "The reel preset").
import { createClient } from '../packages/sdk/dist/index.js';

// Usage: node scripts/run-sample.mjs <publish dir> <gateway url> <api key>
const outDir = process.argv[2];
const [baseUrl, apiKey] = [process.argv[3], process.argv[4]];
const client = createClient({ baseUrl, apiKey });

const started = Date.now();
const { id } = await client.submitWorkflow({
  preset: 'reel',
  topic: 'three habits that make mornings easier',
  targetSeconds: 20,
  targets: [{ type: 'folder', dir: outDir }],
});
console.log(`sample: reel workflow ${id} submitted`);

let last = '';
for (;;) {
  const wf = await client.getWorkflow(id);
  const line = wf.steps.map((s) => `${s.id}:${s.status === 'running' ? `${Math.round(s.progress)}%` : s.status}`).join('  ');
  if (line !== last) {
    console.log(`  ${String(Math.round(wf.progress)).padStart(3)}%  ${line}`);
    last = line;
  }
  if (['succeeded', 'failed', 'cancelled'].includes(wf.status)) {
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (wf.status !== 'succeeded') {
      const failed = wf.steps.find((s) => s.status === 'failed');
      console.error(`sample: workflow ${wf.status} after ${seconds} s${failed ? ` at ${failed.id}: ${failed.error?.message}` : ''}`);
      process.exit(1);
    }
    const published = wf.steps.find((s) => s.type === 'publish.folder');
    const path = published?.result?.path;
    console.log(`sample: done in ${seconds} s; trace ${wf.traceId ?? '(none)'}`);
    console.log(`sample: the video is at ${path ?? `${outDir} (see step ${published?.id})`}`);
    break;
  }
  await new Promise((r) => setTimeout(r, 1000));
}
