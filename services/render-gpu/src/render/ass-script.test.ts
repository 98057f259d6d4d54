import { SubtitleStyle } from '@reelay/contracts';
import { describe, expect, it } from 'vitest';
import {
  assColour,
  assHeader,
  assTime,
  clipDialogue,
  defaultCaptionMarginPx,
  isAssScript,
  type ResolvedSubtitleStyle,
  srtToAss,
} from './ass-script.js';

const style = (o: SubtitleStyle = {}) => SubtitleStyle.parse(o) as ResolvedSubtitleStyle;

describe('ASS scripts for burned-in subtitles', () => {
  it('positions use the v4+ numpad under a [V4+ Styles] header: bottom 2, middle 5, top 8', () => {
    for (const [position, alignment] of [
      ['bottom', 2],
      ['middle', 5],
      ['top', 8],
    ] as const) {
      const header = assHeader(style({ position }), 1080, 1920);
      expect(header).toContain('ScriptType: v4.00+');
      expect(header).toContain('[V4+ Styles]');
      const fields =
        header
          .split('\n')
          .find((l) => l.startsWith('Style: '))
          ?.slice(7)
          .split(',') ?? [];
      expect(fields[18]).toBe(String(alignment));
    }
  });

  it('sizes and margins are output pixels: the script is laid out for the frame', () => {
    const header = assHeader(style({ fontSizePx: 96, marginPx: 200, colour: '#FFCC00' }), 1080, 1920);
    expect(header).toContain('PlayResX: 1080\nPlayResY: 1920');
    const fields =
      header
        .split('\n')
        .find((l) => l.startsWith('Style: '))
        ?.slice(7)
        .split(',') ?? [];
    expect(fields[2]).toBe('96');
    expect(fields[3]).toBe('&H0000CCFF');
    expect(fields[21]).toBe('200');
    expect(assColour('#112233')).toBe('&H00332211');
  });

  it('an SRT becomes Dialogue lines with line breaks, italics kept, braces and other tags made harmless', () => {
    const ass = srtToAss(
      '1\n00:00:00,500 --> 00:00:02,000\nHello <i>there</i>\n{\\pos(0,0)} <font color="red">x</font>\n\n2\n00:01:02,345 --> 00:01:03,000\nB\n',
      style(),
      540,
      960,
    );
    expect(ass).toContain('Dialogue: 0,0:00:00.50,0:00:02.00,Default,,0,0,0,,Hello {\\i1}there{\\i0}\\N(∖pos(0,0)) x');
    expect(ass).toContain('Dialogue: 0,0:01:02.35,0:01:03.00,Default,,0,0,0,,B');
    expect(isAssScript(ass)).toBe(true);
    expect(isAssScript('1\n00:00:00,000 --> 00:00:01,000\nhi')).toBe(false);
    expect(assTime(3_600_000 + 61_010)).toBe('1:01:01.01');
  });

  it("with no margin given, captions sit 22% up an upright frame (the lower third, above the platforms' UI) and 8% up a landscape one", () => {
    expect(defaultCaptionMarginPx(1080, 1920)).toBe(422);
    expect(defaultCaptionMarginPx(1920, 1080)).toBe(86);
    const fields = assHeader(style({ position: 'bottom' }), 1080, 1920)
      .split('\n')
      .find((l) => l.startsWith('Style:'))!
      .split(',');
    expect(fields[21]).toBe('422');
  });

  it('clipDialogue drops events outside the window and cuts those across its edges, rounding inwards', () => {
    const script = [
      '[Script Info]',
      'ScriptType: v4.00+',
      '',
      '[Events]',
      'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text',
      'Dialogue: 0,0:00:00.00,0:00:00.30,Word,,0,0,0,,GONE',
      'Dialogue: 0,0:00:00.20,0:00:01.00,Word,,0,0,0,,{\\1c&H00D4FF&}ONE, TWO',
      'Dialogue: 0,0:00:02.00,0:00:09.00,Word,,0,0,0,,LAST',
      'Dialogue: 0,0:00:09.50,0:00:10.00,Word,,0,0,0,,AFTER',
    ].join('\n');
    const clipped = clipDialogue(script, { fromSec: 0.4667, toSec: 8.4333 }).split('\n');
    expect(clipped.filter((l) => l.startsWith('Dialogue:'))).toEqual([
      'Dialogue: 0,0:00:00.47,0:00:01.00,Word,,0,0,0,,{\\1c&H00D4FF&}ONE, TWO',
      'Dialogue: 0,0:00:02.00,0:00:08.43,Word,,0,0,0,,LAST',
    ]);
    expect(clipped.slice(0, 5)).toEqual(script.split('\n').slice(0, 5));
  });

  it('clipDialogue finds Start and End by the Format line, and leaves a script without a window end open', () => {
    const script = '[Events]\nFormat: Start, End, Layer, Style, Text\nDialogue: 0:00:00.10,0:00:05.00,0,Default,a, b\n';
    expect(clipDialogue(script, { fromSec: 1 })).toBe(
      '[Events]\nFormat: Start, End, Layer, Style, Text\nDialogue: 0:00:01.00,0:00:05.00,0,Default,a, b\n',
    );
  });
});
