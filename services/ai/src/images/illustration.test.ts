import { describe, expect, it } from 'vitest';
import { illustrate } from './illustration.js';
import { renderPng, pngSize } from './render-png.js';
import { readHint } from './visual-hint.js';

describe('reading a visual hint', () => {
  it('quoted on-screen text is the keyword, filming words are not the subject', () => {
    const reading = readHint('Close-up, bold on-screen text: "Sourdough bread?"');
    expect(reading.keyword).toBe('Sourdough bread');
    expect(reading.motif).toBe('food');
    expect(reading.subjects).not.toContain('close-up');
  });

  it('the words choose the motif and the mood; a caller may override both mood and keyword', () => {
    expect(readHint('A quiet forest trail, calm and slow')).toMatchObject({ motif: 'nature', mood: 'calm' });
    expect(readHint('The secret of the night sky')).toMatchObject({ motif: 'space', mood: 'mysterious' });
    expect(readHint('Recap card listing the steps', { mood: 'energetic', keyword: '' })).toMatchObject({ mood: 'energetic', keyword: '' });
  });
});

describe('the offline illustration', () => {
  const spec = { prompt: 'A city skyline at night, caption "Step 2"', width: 270, height: 480, seed: 99, sceneIndex: 1 };

  it('is the same SVG for the same seed and another for another seed', () => {
    expect(illustrate(spec).svg).toBe(illustrate(spec).svg);
    expect(illustrate({ ...spec, seed: 100 }).svg).not.toBe(illustrate(spec).svg);
  });

  it('has three layers whose bodies make up the whole picture', () => {
    const picture = illustrate(spec);
    expect(picture.layers.map((l) => l.name)).toEqual(['background', 'middle', 'foreground']);
    const body = (svg: string) => svg.slice(svg.indexOf('>') + 1, svg.lastIndexOf('</svg>'));
    expect(picture.layers.map((l) => body(l.svg)).join('')).toBe(body(picture.svg));
  });

  it('escapes the keyword, so any text renders as type rather than breaking the SVG', () => {
    const picture = illustrate({ ...spec, keyword: 'Salt & <pepper> "now"' });
    expect(picture.svg).toContain('>SALT &amp;</text>');
    expect(picture.svg).toContain('>&lt;PEPPER&gt; &quot;NOW&quot;</text>');
    expect(picture.svg).not.toContain('<PEPPER>');
    expect(pngSize(renderPng(picture.svg))).toEqual({ width: 270, height: 480 });
  });
});
