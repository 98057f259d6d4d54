/**
 * ai.variations' offline writer: rewrites a hook through proven short-video devices
 * (question, number, contrarian, promise, story, curiosity gap, challenge) around the
 * hook's own subject, so an A/B test compares devices rather than random wording.
 */
import type { HookVariation } from '@reelay/contracts';
import { extractKeywords } from './keywords.js';

const DEVICES: Array<{ angle: string; write: (subject: string, phrase: string) => string }> = [
  { angle: 'question', write: (s) => `Why does nobody talk about ${s}?` },
  { angle: 'number', write: (s) => `3 things about ${s} I wish I knew sooner.` },
  { angle: 'contrarian', write: (s) => `You're doing ${s} wrong. Here's the fix.` },
  { angle: 'promise', write: (s) => `In 30 seconds, ${s} will make sense.` },
  { angle: 'story', write: (s) => `I tried ${s} for 7 days. This is what happened.` },
  { angle: 'curiosity', write: (_s, p) => `${p}, and the reason will surprise you.` },
  { angle: 'challenge', write: (s) => `Bet you can't explain ${s} in one sentence.` },
  { angle: 'direct', write: (_s, p) => `${p}. Watch this before you start.` },
  { angle: 'warning', write: (s) => `Stop! Don't try ${s} until you've seen this.` },
  { angle: 'social-proof', write: (s) => `This is how the pros handle ${s}.` },
];

export function hookVariations(text: string, count: number): HookVariation[] {
  const phrase = text
    .replace(/\s+/g, ' ')
    .replace(/[.!?…]+$/, '')
    .trim();
  const keywords = extractKeywords(phrase, 2).map((k) => k.words.join(' '));
  const subject = keywords[0] ?? phrase.toLowerCase();
  const out: HookVariation[] = [];
  const seen = new Set([phrase.toLowerCase()]);
  // Start where the text's own hash points, so different hooks lead with different devices.
  const start = hash(phrase) % DEVICES.length;
  for (let i = 0; i < DEVICES.length && out.length < count; i++) {
    const device = DEVICES[(start + i) % DEVICES.length]!;
    const line = device.write(subject, capitalize(phrase));
    if (seen.has(line.toLowerCase())) continue;
    seen.add(line.toLowerCase());
    out.push({ text: line, angle: device.angle });
  }
  return out;
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
