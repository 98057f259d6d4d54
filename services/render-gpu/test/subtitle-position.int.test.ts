/**
 * Where burned-in subtitles land, read off real frames: media.render's graph with real
 * ffmpeg and libass, white text on a black still, the text's bounding box measured.
 * (Before the ASS header, `position: "middle"` came out top-left: force_style's
 * Alignment=5 was read as legacy SSA.)
 */
import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { SubtitleStyle, TextCard } from '@reelay/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedSubtitleStyle } from '../src/render/ass-script.js';
import { preparedCard, preparedSubtitles } from '../src/render/render-inputs.js';
import { captionWindow, type RenderPlan, renderCommand } from '../src/tasks/render-graph.js';
import { makeStill, scratchDir } from './media-fixtures.js';

const run = promisify(execFile);
const W = 320;
const H = 568;

describe('burned-in subtitle positions', () => {
  /** The frame at `sec` as W×H grey bytes. */
  async function greyFrame(file: string, sec: number): Promise<Buffer> {
    const { stdout } = await run(
      'ffmpeg',
      ['-v', 'error', '-ss', String(sec), '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'gray', '-'],
      { cwd: dir, encoding: 'buffer', maxBuffer: 1 << 22 },
    );
    return stdout;
  }

  let dir: string;
  beforeAll(async () => {
    dir = await scratchDir();
    await makeStill(path.join(dir, 'black.png'), 'black', W, H);
    await writeFile(path.join(dir, 'subs.srt'), '1\n00:00:00,000 --> 00:00:02,000\nCAPTION\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** The bright pixels' bounding box in the frame at 0.5 s. */
  /** `margin: 'default'` leaves the margin out of the style. */
  async function textBox(position: 'top' | 'middle' | 'bottom', margin: number | 'default' = 40) {
    const marginPx = margin === 'default' ? undefined : margin;
    const style = SubtitleStyle.parse({ position, fontSizePx: 40, marginPx }) as ResolvedSubtitleStyle;
    const file = await preparedSubtitles({ dir, file: 'subs.srt', style, width: W, height: H });
    const { args } = renderCommand({
      scenes: [{ file: 'black.png', kind: 'image', inSec: 0, durationSec: 1, fit: 'cover' }],
      subtitles: { file },
      width: W,
      height: H,
      fps: 10,
      video: { encoder: 'libx264', args: ['-c:v', 'libx264', '-preset', 'ultrafast'] },
      output: `${position}-${margin}.mp4`,
    });
    await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args], { cwd: dir });
    const stdout = await greyFrame(`${position}-${margin}.mp4`, 0.5);
    let [top, left, bottom, right] = [H, W, -1, -1];
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++)
        if ((stdout[y * W + x] ?? 0) > 128) {
          top = Math.min(top, y);
          bottom = Math.max(bottom, y);
          left = Math.min(left, x);
          right = Math.max(right, x);
        }
    expect(bottom, `no text found for ${position}`).toBeGreaterThan(0);
    return { top, bottom, centreX: (left + right) / 2, centreY: (top + bottom) / 2 };
  }

  it('top, middle and bottom are centred across, and sit at the top margin, the middle and the bottom margin', async () => {
    const top = await textBox('top');
    const middle = await textBox('middle');
    const bottom = await textBox('bottom');
    for (const box of [top, middle, bottom]) expect(Math.abs(box.centreX - W / 2)).toBeLessThan(W * 0.05);
    expect(top.top).toBeGreaterThanOrEqual(40 - 4);
    expect(top.top).toBeLessThan(40 + 30);
    expect(Math.abs(middle.centreY - H / 2)).toBeLessThan(H * 0.05);
    expect(bottom.bottom).toBeLessThanOrEqual(H - 40 + 4);
    expect(bottom.bottom).toBeGreaterThan(H - 40 - 30);
  }, 60_000);

  it('with no margin given, bottom captions on an upright frame sit in the lower third, above the bottom fifth the platforms cover', async () => {
    const box = await textBox('bottom', 'default');
    expect(box.top).toBeGreaterThanOrEqual(Math.floor((H * 2) / 3));
    expect(box.bottom).toBeLessThanOrEqual(Math.ceil(H * 0.8));
  }, 60_000);

  it('captions are not drawn over the title card or the outro, nor while either fades', async () => {
    // One cue over the whole body; black scene, dark cards: bright pixels in the lower third are the caption.
    await writeFile(path.join(dir, 'long.srt'), '1\n00:00:00,000 --> 00:00:10,000\nCAPTION\n');
    const card = (text: string) =>
      TextCard.parse({ text, background: 'colour', durationSec: 1, transition: { type: 'fade', durationSec: 0.6 } });
    const plan: RenderPlan = {
      scenes: [{ file: 'black.png', kind: 'image', inSec: 0, durationSec: 2, fit: 'cover' }],
      titleCard: await preparedCard(dir, card('Title'), 'title', W, H),
      outro: await preparedCard(dir, card('Bye'), 'outro', W, H),
      width: W,
      height: H,
      fps: 10,
      video: { encoder: 'libx264', args: ['-c:v', 'libx264', '-preset', 'ultrafast'] },
      output: 'cards.mp4',
    };
    const style = SubtitleStyle.parse({ fontSizePx: 40 }) as ResolvedSubtitleStyle;
    plan.subtitles = { file: await preparedSubtitles({ dir, file: 'long.srt', style, width: W, height: H, window: captionWindow(plan) }) };
    const { args, expectedDurationSec, bodyStartSec } = renderCommand(plan);
    // Title 0–1.6 s (the body fades in from 1.0 s), body alone 1.6–3.0 s, outro fades in 3.0–3.6 s, holds to 4.0 s.
    expect([bodyStartSec, expectedDurationSec]).toEqual([1, 4]);
    await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args], { cwd: dir });
    const captionPixels = async (sec: number) => {
      const frame = await greyFrame('cards.mp4', sec);
      let n = 0;
      for (let y = Math.floor(H * 0.6); y < Math.floor(H * 0.95); y++) for (let x = 0; x < W; x++) if ((frame[y * W + x] ?? 0) > 100) n++;
      return n;
    };
    expect(await captionPixels(2.3), 'the caption shows on the body').toBeGreaterThan(50);
    for (const sec of [0.5, 1.45, 3.45, 3.8]) expect(await captionPixels(sec), `caption pixels at ${sec} s`).toBe(0);
  }, 60_000);
});
