import { describe, expect, it } from 'vitest';
import { TextCard } from '@reelay/contracts';
import type { ResolvedCard } from '../render/text-card.js';
import { captionWindow, reelLength, renderCommand } from './render-graph.js';

const x264 = { encoder: 'libx264', args: ['-c:v', 'libx264'] };

describe('render graph', () => {
  it('a reel lasts its scenes minus the transition overlaps, in whole frames', () => {
    const scenes = [{ durationSec: 2 }, { durationSec: 1.5, transition: { type: 'fade' as const, durationSec: 0.5 } }, { durationSec: 1 }];
    expect(reelLength(scenes, 30)).toEqual({ frames: 120, seconds: 4 });
    // 1.01 s at 30 fps is 30 frames, not 30.3: durations snap to frames.
    expect(reelLength([{ durationSec: 1.01 }], 30)).toEqual({ frames: 30, seconds: 1 });
  });

  it('refuses a transition as long as a scene it joins', () => {
    expect(() => reelLength([{ durationSec: 0.5 }, { durationSec: 3, transition: { type: 'fade', durationSec: 0.5 } }], 30)).toThrow(
      /shorter than both scenes/,
    );
  });

  it('chains xfade at the right offsets and concat for cuts, with music ducked under the voice', () => {
    const { args, expectedDurationSec } = renderCommand({
      scenes: [
        { file: 'a.mp4', kind: 'video', inSec: 1, durationSec: 2, fit: 'cover' },
        { file: 'b.png', kind: 'image', inSec: 0, durationSec: 2, fit: 'contain', transition: { type: 'wipeleft', durationSec: 0.5 } },
        { file: 'a.mp4', kind: 'video', inSec: 0, durationSec: 1, fit: 'cover' },
      ],
      voice: { file: 'voice.wav', volume: 1 },
      music: { file: 'music.mp3', volume: 0.3, duck: true },
      width: 1080,
      height: 1920,
      fps: 30,
      video: x264,
      output: 'out.mp4',
    });
    expect(expectedDurationSec).toBe(4.5);
    const graph = args[args.indexOf('-filter_complex') + 1] ?? '';
    expect(graph).toContain('[s0][s1]xfade=transition=wipeleft:duration=0.5:offset=1.5');
    expect(graph).toContain('[j1][s2]concat=n=2:v=1:a=0');
    expect(graph).toContain('trim=end_frame=60');
    expect(graph).toContain('sidechaincompress');
    expect(graph).toContain('atrim=end=4.5[aout]');
    expect(args.slice(0, 6)).toEqual(['-ss', '1', '-t', '2.066667', '-i', 'a.mp4']);
    expect(args).toEqual(expect.arrayContaining(['-loop', '1', '-stream_loop', '-1']));
  });

  it('every input of a file still being written follows it (-follow 1, with the timeout), and no other input does', () => {
    const { args } = renderCommand({
      scenes: [
        { file: 'a.mp4', kind: 'video', inSec: 0, durationSec: 2, fit: 'cover' },
        { file: 'b.mp4', kind: 'video', inSec: 1, durationSec: 2, fit: 'cover' },
        { file: 'a.mp4', kind: 'video', inSec: 2, durationSec: 1, fit: 'cover' },
      ],
      // The voice is the first clip's sound: the same growing file, so it follows too.
      voice: { file: 'a.mp4', volume: 1 },
      music: { file: 'music.wav', volume: 0.3, duck: false },
      width: 360,
      height: 640,
      fps: 30,
      video: x264,
      output: 'out.mp4',
      followed: { files: ['a.mp4'], timeoutSec: 30 },
    });
    const opened = args.flatMap((a, i) => (a === '-i' ? [{ file: args[i + 1], before: args.slice(0, i) }] : []));
    const follows = (before: string[]) => before.slice(-10).join(' ').includes('-follow 1 -rw_timeout 30000000');
    expect(opened.map((o) => o.file)).toEqual(['a.mp4', 'b.mp4', 'a.mp4', 'a.mp4', 'music.wav']);
    // Options belong to the next -i: only the ones since the previous input count.
    const own = opened.map((o, k) => ({ file: o.file, own: k === 0 ? o.before : o.before.slice(o.before.lastIndexOf('-i') + 2) }));
    expect(own.map((o) => follows(o.own))).toEqual([true, false, true, true, false]);
  });

  it('writes a silent track when there is neither voice nor music', () => {
    const { args } = renderCommand({
      scenes: [{ file: 'b.png', kind: 'image', inSec: 0, durationSec: 1, fit: 'cover' }],
      width: 180,
      height: 320,
      fps: 25,
      video: x264,
      output: 'out.mp4',
    });
    expect(args).toEqual(expect.arrayContaining(['-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=stereo']));
  });

  it('Ken Burns stills read one frame and zoompan it to the scene length from a 2x, 4:4:4 copy', () => {
    const { args, expectedFrames } = renderCommand({
      scenes: [
        { file: 'a.png', kind: 'image', inSec: 0, durationSec: 2, fit: 'cover', motion: 'zoom-in' },
        {
          file: 'b.png',
          kind: 'image',
          inSec: 0,
          durationSec: 2,
          fit: 'cover',
          motion: 'pan-left',
          transition: { type: 'fade', durationSec: 0.5 },
        },
      ],
      width: 540,
      height: 960,
      fps: 30,
      video: x264,
      output: 'out.mp4',
      transitionTiming: 'hold',
    });
    const graph = args[args.indexOf('-filter_complex') + 1] ?? '';
    expect(args.slice(0, 4)).toEqual(['-f', 'image2', '-i', 'a.png']); // no -loop: one frame in
    expect(graph).toContain(
      "scale=1080:1920:force_original_aspect_ratio=increase,crop=1080:1920,setsar=1,format=yuv444p,zoompan=z='1+0.12*(on/74)'",
    );
    expect(graph).toContain(':d=75:s=540x960:fps=30');
    expect(graph).toContain("x='(iw-iw/zoom)*(1-(on/59))'");
    // hold: the first scene is read for its 2 s plus the 0.5 s fade, so the second starts at 2 s.
    expect(graph).toContain('xfade=transition=fade:duration=0.5:offset=2');
    expect(expectedFrames).toBe(120);
  });

  it('a title card and an outro hold for their fades: the body, voice and subtitles start when the title ends', () => {
    const card = (text: string) => ({
      card: {
        text,
        durationSec: 2,
        background: 'scene' as const,
        colour: '#1E2A44',
        textColour: '#FFFFFF',
        accentColour: '#FFD400',
        transition: { type: 'fade' as const, durationSec: 0.5 },
      },
      layout: { lines: [{ text, file: 'line-0.txt' }], subtitleLines: [], fontSize: 90, subtitleSize: 45 },
    });
    const { args, expectedDurationSec, bodyStartSec } = renderCommand({
      scenes: [{ file: 'a.png', kind: 'image', inSec: 0, durationSec: 3, fit: 'cover', motion: 'zoom-out' }],
      voice: { file: 'voice.wav', volume: 1 },
      subtitles: { file: 'captions.ass' },
      titleCard: card('Title'),
      outro: card('Follow for more'),
      width: 540,
      height: 960,
      fps: 30,
      video: x264,
      output: 'out.mp4',
    });
    expect(bodyStartSec).toBe(2);
    expect(expectedDurationSec).toBe(7); // 2 title + 3 scene + 2 outro
    const graph = args[args.indexOf('-filter_complex') + 1] ?? '';
    expect(graph).toContain('subtitles=filename=captions.ass,format=yuv420p[body]');
    expect(graph).toContain('[titlecard][body]xfade=transition=fade:duration=0.5:offset=2');
    // The scene holds 0.5 s for the outro's fade: the outro starts fading in at 2 + 3 = 5 s.
    expect(graph).toContain('[withtitle][outrocard]xfade=transition=fade:duration=0.5:offset=5');
    expect(graph).toContain('adelay=delays=2000:all=1');
    expect(graph).toContain('textfile=line-0.txt:expansion=none');
  });

  it("captions may show from the end of the title card's fade to the start of the outro's, on the body's timeline", () => {
    const card = (durationSec: number, fade: number) => ({
      card: TextCard.parse({ text: 'x', durationSec, transition: { type: 'fade', durationSec: fade } }) as ResolvedCard,
      layout: { lines: [], subtitleLines: [], fontSize: 10, subtitleSize: 5 },
    });
    const scenes = [
      { file: 'a.png', kind: 'image' as const, inSec: 0, durationSec: 3, fit: 'cover' as const },
      {
        file: 'b.png',
        kind: 'image' as const,
        inSec: 0,
        durationSec: 3,
        fit: 'cover' as const,
        transition: { type: 'fade' as const, durationSec: 0.4 },
      },
    ];
    // Body: 3 s + (3 s + the outro's 0.4 s hold) − 0.4 s overlap = 6 s; the outro fades in over its last 0.4 s.
    expect(captionWindow({ scenes, fps: 30, titleCard: card(2, 0.4), outro: card(1.5, 0.4) })).toEqual({ fromSec: 0.4, toSec: 5.6 });
    expect(captionWindow({ scenes, fps: 30, titleCard: card(2, 0) })).toEqual({ fromSec: 0 });
    expect(captionWindow({ scenes, fps: 30 })).toEqual({ fromSec: 0 });
  });
});
