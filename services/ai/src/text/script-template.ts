/**
 * ai.script's offline writer: a deterministic template that turns a topic into a
 * usable short-video script — hook, context, a few points, takeaway, call to action —
 * sized to the target length at narration pace. It writes no facts it does not have:
 * the points frame the topic for the presenter; a provider writes real content.
 */
import type { ScriptOutput, ScriptScene } from '@reelay/contracts';
import { AiProvider } from '@reelay/contracts';
import { extractKeywords } from './keywords.js';
import { words } from './words.js';

/** Comfortable narration pace for short-form video. */
export const WORDS_PER_SECOND = 2.5;

export interface ScriptRequest {
  topic: string;
  audience: string;
  tone: 'friendly' | 'energetic' | 'informative' | 'serious' | 'humorous';
  targetSeconds: number;
}

const OPENERS: Record<ScriptRequest['tone'], (t: string) => string> = {
  friendly: (t) => `Let's talk about ${t}.`,
  energetic: (t) => `Ready to level up on ${t}? Let's go!`,
  informative: (t) => `Here is what you need to know about ${t}.`,
  serious: (t) => `${capitalize(t)} matters more than most people think.`,
  humorous: (t) => `${capitalize(t)}: easier than assembling flat-pack furniture. Almost.`,
};

const POINTS = [
  (t: string, a: string) => `First, the basics. ${capitalize(t)} starts with one clear goal, so decide what success looks like for ${a}.`,
  (t: string) => `Second, keep it simple. Pick the one part of ${t} that gives the biggest result and do that first.`,
  (t: string) => `Third, make it a habit. A few minutes on ${t} every day beats one big effort once a month.`,
  (t: string) => `Fourth, measure it. Write down where you start with ${t}, so you can see your progress.`,
  (t: string) => `Fifth, learn from others. Find someone who is good at ${t} and copy what works.`,
  (t: string) => `Sixth, expect setbacks. Everyone stumbles with ${t}; what counts is starting again the next day.`,
];

export function templateScript(request: ScriptRequest): ScriptOutput {
  const topic = request.topic.replace(/[.!?]+$/, '').trim();
  const lower = topic.charAt(0).toLowerCase() + topic.slice(1);
  const audience = request.audience;
  const keywords = extractKeywords(topic, 3).map((k) => k.words.join(' '));
  const subject = keywords[0] ?? lower;
  const budgetWords = request.targetSeconds * WORDS_PER_SECOND;

  const hook = `What if ${lower} could be easier than you think?`;
  const intro = `${OPENERS[request.tone](lower)} This one is for ${audience}.`;
  const takeaway = `So remember: a clear goal, one simple step, and a daily habit. That is how ${lower} gets done.`;
  const cta = 'Follow for more, and share this with someone who needs it.';

  // Points fill what the fixed scenes leave of the word budget; at least one.
  const fixedWords = [hook, intro, takeaway, cta].reduce((n, s) => n + words(s).length, 0);
  const points: string[] = [];
  let used = fixedWords;
  for (const point of POINTS) {
    const text = point(lower, audience);
    if (points.length > 0 && used + words(text).length > budgetWords) break;
    points.push(text);
    used += words(text).length;
  }
  const scenes: Array<{ text: string; visual: string }> = [
    { text: hook, visual: `Close-up, bold on-screen text: "${capitalize(subject)}?"` },
    { text: intro, visual: `Presenter to camera, ${subject} in the background` },
    ...points.map((text, i) => ({
      text,
      visual: `B-roll of ${keywords[i % Math.max(1, keywords.length)] ?? subject}, caption "Step ${i + 1}"`,
    })),
    { text: takeaway, visual: 'Recap card listing the steps' },
    { text: cta, visual: 'Presenter pointing to the follow button, end card' },
  ];
  // Scene durations follow their word counts, scaled so the whole fills the target.
  const counts = scenes.map((s) => Math.max(1, words(s.text).length));
  const totalWords = counts.reduce((a, b) => a + b, 0);
  const timed: ScriptScene[] = scenes.map((s, index) => ({
    index,
    text: s.text,
    visual: s.visual,
    durationSec: Math.round((counts[index]! / totalWords) * request.targetSeconds * 10) / 10,
  }));
  return {
    title: `${capitalize(topic)}: ${points.length} simple steps for ${audience}`,
    hook,
    scenes: timed,
    totalSeconds: Math.round(timed.reduce((sum, s) => sum + s.durationSec, 0) * 10) / 10,
    wordCount: totalWords,
    provider: AiProvider.offlineTemplate,
  };
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
