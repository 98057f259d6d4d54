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
import { SubtitleStyle } from '@reelay/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preparedSubtitles } from '../src/render/render-inputs.js';
import { renderCommand } from '../src/tasks/render-graph.js';
import { makeStill, scratchDir } from './media-fixtures.js';

const run = promisify(execFile);
const W = 320;
const H = 568;

describe('burned-in subtitle positions', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await scratchDir();
    await makeStill(path.join(dir, 'black.png'), 'black', W, H);
    await writeFile(path.join(dir, 'subs.srt'), '1\n00:00:00,000 --> 00:00:02,000\nCAPTION\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** The bright pixels' bounding box in the frame at 0.5 s. */
  async function textBox(position: 'top' | 'middle' | 'bottom') {
    const style = SubtitleStyle.parse({ position, fontSizePx: 40, marginPx: 40 }) as Required<SubtitleStyle>;
    const file = await preparedSubtitles(dir, 'subs.srt', style, W, H);
    const { args } = renderCommand({
      scenes: [{ file: 'black.png', kind: 'image', inSec: 0, durationSec: 1, fit: 'cover' }],
      subtitles: { file },
      width: W,
      height: H,
      fps: 10,
      video: { encoder: 'libx264', args: ['-c:v', 'libx264', '-preset', 'ultrafast'] },
      output: `${position}.mp4`,
    });
    await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args], { cwd: dir });
    const { stdout } = await run(
      'ffmpeg',
      ['-v', 'error', '-ss', '0.5', '-i', `${position}.mp4`, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'gray', '-'],
      {
        cwd: dir,
        encoding: 'buffer',
        maxBuffer: 1 << 22,
      },
    );
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
});
