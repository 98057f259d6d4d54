/** Reading artifacts back in tests: download to a temp file, measure with ffprobe. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ArtifactStore } from '@reelay/runtime';
import type { TestSystem } from '@reelay/runtime/testing';
import { afterAll, expect } from 'vitest';

const run = promisify(execFile);

/** One temp root per test file, removed after its tests: downloads never outlive the run. */
let root: string | undefined;
function downloadsRoot(): string {
  root ??= mkdtempSync(path.join(os.tmpdir(), 'reelay-ai-test-'));
  return root;
}
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

export async function downloadArtifact(artifacts: ArtifactStore, id: string, name: string): Promise<string> {
  const dir = await mkdtemp(path.join(downloadsRoot(), 'artifact-'));
  const file = path.join(dir, name);
  await artifacts.getToFile(id, file);
  return file;
}

export async function artifactText(artifacts: ArtifactStore, id: string): Promise<string> {
  return readFile(await downloadArtifact(artifacts, id, 'text'), 'utf8');
}

export async function ffprobeDuration(file: string): Promise<number> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]);
  return Number(stdout.trim());
}

export interface SrtCue {
  startSec: number;
  endSec: number;
  lines: string[];
}

export function parseSrt(srt: string): SrtCue[] {
  return srt
    .trim()
    .split(/\n\n+/)
    .map((block) => {
      const [, times, ...lines] = block.split('\n');
      const [start, end] = times!.split(' --> ').map(srtSeconds);
      return { startSec: start!, endSec: end!, lines };
    });
}

function srtSeconds(stamp: string): number {
  const [h, m, rest] = stamp.trim().split(':');
  const [s, ms] = rest!.split(/[,.]/);
  return Number(h) * 3600 + Number(m) * 60 + Number(s) + Number(ms) / 1000;
}

export interface Span {
  startSec: number;
  endSec: number;
}

/** Where a file makes a sound, by ffmpeg's silencedetect: quieter than -40 dB for 20 ms or more is silence. */
export async function soundingSpans(file: string, durationSec: number): Promise<Span[]> {
  const { stderr } = await run('ffmpeg', [
    '-hide_banner',
    '-nostdin',
    '-i',
    file,
    '-af',
    'silencedetect=noise=-40dB:d=0.02',
    '-f',
    'null',
    '-',
  ]);
  const spans: Span[] = [];
  let at = 0;
  let silent = false;
  for (const [, edge, time] of stderr.matchAll(/silence_(start|end): (-?[\d.]+)/g)) {
    const t = Number(time);
    if (edge === 'start') {
      if (t > at) spans.push({ startSec: at, endSec: t });
      silent = true;
    } else {
      at = t;
      silent = false;
    }
  }
  if (!silent && at < durationSec) spans.push({ startSec: at, endSec: durationSec });
  return spans;
}

/** Enqueue and wait for the job to settle (`settle`), or to succeed, returning its result (`succeed`). */
export function jobRunner(system: () => TestSystem, timeoutMs = 120_000) {
  async function settle(type: string, input: unknown) {
    const { job } = await system().client.enqueue({ type, input });
    return system().waitForStatus(job.id, ['succeeded', 'failed'], timeoutMs);
  }
  async function succeed<T>(type: string, input: unknown): Promise<T> {
    const done = await settle(type, input);
    expect(done.error, JSON.stringify(done.error)).toBeUndefined();
    return done.result as T;
  }
  return { settle, succeed };
}
