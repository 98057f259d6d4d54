import { SubtitleStyle } from '@reelay/contracts';
import { describe, expect, it } from 'vitest';
import { assColour, assHeader, assTime, isAssScript, srtToAss } from './ass-script.js';

const style = (o: SubtitleStyle = {}) => SubtitleStyle.parse(o) as Required<SubtitleStyle>;

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
});
