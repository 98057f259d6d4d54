import { describe, expect, it } from 'vitest';
import { timestamp, toSrt, toVtt } from './subtitle-formats.js';

const cues = [
  { index: 1, startSec: 0, endSec: 1.5, lines: ['Hello there,'], sentenceIndex: 0 },
  { index: 2, startSec: 3661.0015, endSec: 3662, lines: ['two', 'lines'], sentenceIndex: 1 },
];

describe('subtitle formats', () => {
  it('SRT numbers cues and uses comma milliseconds', () => {
    expect(toSrt(cues)).toBe('1\n00:00:00,000 --> 00:00:01,500\nHello there,\n\n2\n01:01:01,002 --> 01:01:02,000\ntwo\nlines\n');
  });

  it('WebVTT starts with its header and uses dot milliseconds', () => {
    expect(toVtt(cues)).toBe('WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nHello there,\n\n01:01:01.002 --> 01:01:02.000\ntwo\nlines\n');
  });

  it('timestamps never go negative', () => {
    expect(timestamp(-0.2, ',')).toBe('00:00:00,000');
  });
});
