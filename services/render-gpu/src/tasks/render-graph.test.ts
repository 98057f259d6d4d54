import { SubtitleStyle } from '@reelay/contracts';
import { describe, expect, it } from 'vitest';
import { assColour, reelLength, renderCommand, subtitlesFilter } from './render-graph.js';

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

  it('subtitle styles are given in output pixels and converted to libass’s 288-line script units', () => {
    const style = SubtitleStyle.parse({ fontSizePx: 96, colour: '#FFCC00', position: 'top', marginPx: 200 }) as Required<SubtitleStyle>;
    const filter = subtitlesFilter('subs.srt', style, 1920);
    expect(filter).toBe(
      "subtitles=filename=subs.srt:force_style='FontName=DejaVu Sans,FontSize=14,PrimaryColour=&H0000CCFF,OutlineColour=&H00000000,BorderStyle=1,Outline=0.45,Shadow=0,Alignment=8,MarginV=30'",
    );
    expect(assColour('#112233')).toBe('&H00332211');
  });
});
