/**
 * ai.script's offline writer: a deterministic template that turns a topic into a
 * usable short-video script — hook, context, a few points, takeaway, call to action —
 * whose narration fills the target length. It writes no facts it does not have: the
 * points frame the topic for the presenter; a provider writes real content.
 *
 * Every part has a long and a short wording, and the intro and takeaway may be left out;
 * of all the ways to put the parts together, the one whose spoken length (speech-pace.ts)
 * comes closest to the narration's share of the target wins, with a small preference for
 * the fuller forms when two come equally close.
 */
import type { ScriptOutput, ScriptScene } from '@reelay/contracts';
import { AiProvider } from '@reelay/contracts';
import { extractKeywords } from './keywords.js';
import { DEFAULT_PACE, narrationSeconds } from './speech-pace.js';
import { words } from './words.js';

/** What ScriptInput defaults the audience to: a title does not mention it. */
export const DEFAULT_AUDIENCE = 'a general audience';

export interface ScriptRequest {
  topic: string;
  audience: string;
  tone: 'friendly' | 'energetic' | 'informative' | 'serious' | 'humorous';
  targetSeconds: number;
  /** Seconds of the video with no narration (title card, outro). */
  reservedSeconds: number;
  sceneCount?: number | undefined;
}

const OPENERS: Record<ScriptRequest['tone'], (t: string) => string> = {
  friendly: (t) => `Let's talk about ${t}.`,
  energetic: (t) => `Ready to level up on ${t}? Let's go!`,
  informative: (t) => `Here is what you need to know about ${t}.`,
  serious: (t) => `${capitalize(t)} matters more than most people think.`,
  humorous: (t) => `${capitalize(t)}: easier than assembling flat-pack furniture. Almost.`,
};

interface Point {
  long: (t: string, a: string) => string;
  short: (t: string) => string;
  /** How the takeaway recalls it. */
  recap: string;
}

const POINTS: Point[] = [
  {
    long: (t, a) => `First, the basics. ${capitalize(t)} starts with one clear goal, so decide what success looks like for ${a}.`,
    short: () => 'First, pick one clear goal.',
    recap: 'a clear goal',
  },
  {
    long: (t) => `Second, keep it simple. Pick the one part of ${t} that gives the biggest result and do that first.`,
    short: () => 'Second, start with the easiest win.',
    recap: 'one simple step',
  },
  {
    long: (t) => `Third, make it a habit. A few minutes on ${t} every day beats one big effort once a month.`,
    short: () => 'Third, do a little every day.',
    recap: 'a daily habit',
  },
  {
    long: (t) => `Fourth, measure it. Write down where you start with ${t}, so you can see your progress.`,
    short: () => 'Fourth, track your progress.',
    recap: 'a record of progress',
  },
  {
    long: (t) => `Fifth, learn from others. Find someone who is good at ${t} and copy what works.`,
    short: () => 'Fifth, copy someone who does it well.',
    recap: 'a good example',
  },
  {
    long: (t) => `Sixth, expect setbacks. Everyone stumbles with ${t}; what counts is starting again the next day.`,
    short: () => 'Sixth, start again after a slip.',
    recap: 'a fresh start after every slip',
  },
];

type Form = 'long' | 'short' | 'none';

interface Draft {
  scenes: Array<{ text: string; visual: string; kind: 'hook' | 'intro' | 'point' | 'takeaway' | 'cta' }>;
  seconds: number;
  /** How far from the fullest wording it is. */
  thinness: number;
  points: number;
}

export function templateScript(request: ScriptRequest): ScriptOutput {
  const topic = request.topic.replace(/[.!?]+$/, '').trim();
  const lower = topic.charAt(0).toLowerCase() + topic.slice(1);
  const audience = request.audience;
  const keywords = extractKeywords(topic, 3).map((k) => k.words.join(' '));
  const subject = keywords[0] ?? lower;
  const budget = Math.max(1, request.targetSeconds - request.reservedSeconds);

  const part = {
    hook: {
      long: `What if ${lower} could be easier than you think?`,
      short: `${capitalize(lower)}, in seconds.`,
    },
    intro: {
      long: `${OPENERS[request.tone](lower)} This one is for ${audience}.`,
      short: OPENERS[request.tone](lower),
    },
    cta: { long: 'Follow for more, and share this with someone who needs it.', short: 'Follow for more.' },
  };
  const takeaway = (n: number, form: Form) => {
    const recaps = POINTS.slice(0, Math.min(n, 3)).map((p) => p.recap);
    const list = recaps.length === 1 ? recaps[0] : `${recaps.slice(0, -1).join(', ')}, and ${recaps[recaps.length - 1]}`;
    return form === 'long' ? `So remember: ${list}. That is how ${lower} gets done.` : `So remember: ${list}.`;
  };
  const visualFor = (i: number) => `B-roll of ${keywords[i % Math.max(1, keywords.length)] ?? subject}, caption "Step ${i + 1}"`;

  // Each wording's spoken length, measured once.
  const lengths = new Map<string, number>();
  const spoken = (text: string) => {
    let sec = lengths.get(text);
    if (sec === undefined) lengths.set(text, (sec = narrationSeconds([text])));
    return sec;
  };
  // Every combination of wordings: about a thousand, summed from the lengths above.
  const drafts: Draft[] = [];
  const forms2: Form[] = ['long', 'short'];
  const forms3: Form[] = ['long', 'short', 'none'];
  for (const hook of forms2)
    for (const intro of forms3)
      for (let n = 1; n <= POINTS.length; n++)
        for (let longPoints = n; longPoints >= 0; longPoints--)
          for (const take of forms3)
            for (const cta of forms2) {
              const scenes: Draft['scenes'] = [
                { kind: 'hook', text: part.hook[hook as 'long'], visual: `Close-up, bold on-screen text: "${capitalize(subject)}?"` },
              ];
              if (intro !== 'none')
                scenes.push({ kind: 'intro', text: part.intro[intro], visual: `Presenter to camera, ${subject} in the background` });
              for (let i = 0; i < n; i++) {
                const point = POINTS[i]!;
                scenes.push({
                  kind: 'point',
                  text: i < longPoints ? point.long(lower, audience) : point.short(lower),
                  visual: visualFor(i),
                });
              }
              if (take !== 'none') scenes.push({ kind: 'takeaway', text: takeaway(n, take), visual: 'Recap card listing the steps' });
              scenes.push({ kind: 'cta', text: part.cta[cta as 'long'], visual: 'Presenter pointing to the follow button, end card' });
              const thinness =
                (hook === 'short' ? 1 : 0) +
                (intro === 'none' ? 2 : intro === 'short' ? 1 : 0) +
                (take === 'none' ? 2 : take === 'short' ? 1 : 0) +
                (cta === 'short' ? 1 : 0) +
                (n - longPoints);
              const seconds = scenes.reduce((sum, s) => sum + spoken(s.text), 0) + (scenes.length - 1) * DEFAULT_PACE.pauseSec;
              drafts.push({ scenes, seconds, thinness, points: n });
            }

  const fitting = request.sceneCount === undefined ? drafts : drafts.filter((d) => d.scenes.length === request.sceneCount);
  const pool = fitting.length ? fitting : drafts;
  // Of the drafts within 3% of the budget, the one with most points, then the fullest
  // wording; when none is that close, the closest.
  const off = (d: Draft) => Math.abs(d.seconds - budget);
  const close = pool.filter((d) => off(d) <= Math.max(0.3, 0.03 * budget));
  const best = close.length
    ? close.reduce((a, b) =>
        b.points > a.points || (b.points === a.points && (b.thinness < a.thinness || (b.thinness === a.thinness && off(b) < off(a))))
          ? b
          : a,
      )
    : pool.reduce((a, b) => (off(b) < off(a) ? b : a));
  const sceneTexts = request.sceneCount === undefined ? best.scenes : regroup(best.scenes, request.sceneCount);

  // A scene lasts its narration and the pause after it: the durations add up to the voice track.
  const timed: ScriptScene[] = sceneTexts.map((s, index) => ({
    index,
    text: s.text,
    visual: s.visual,
    durationSec: Math.max(0.5, round1(narrationSeconds([s.text]) + (index < sceneTexts.length - 1 ? DEFAULT_PACE.pauseSec : 0))),
  }));
  const steps = best.points;
  const forWhom = audience === DEFAULT_AUDIENCE ? '' : ` for ${audience}`;
  return {
    title: `${capitalize(topic)}, in ${steps} simple ${steps === 1 ? 'step' : 'steps'}${forWhom}`,
    hook: best.scenes[0]!.text,
    scenes: timed,
    totalSeconds: round1(timed.reduce((sum, s) => sum + s.durationSec, 0)),
    wordCount: timed.reduce((n, s) => n + words(s.text).length, 0),
    provider: AiProvider.offlineTemplate,
  };
}

/**
 * Exactly `count` scenes from a run of scenes: neighbours merged (the shortest pair first)
 * when there are too many, a scene split at its sentences when there are too few. Fewer
 * come back only when there are fewer sentences than `count`.
 */
export function regroup<T extends { text: string; visual: string }>(
  scenes: readonly T[],
  count: number,
): Array<{ text: string; visual: string }> {
  let out = scenes.map((s) => ({ text: s.text, visual: s.visual }));
  while (out.length > count) {
    let at = 0;
    for (let i = 1; i < out.length - 1; i++) {
      if (words(out[i]!.text).length + words(out[i + 1]!.text).length < words(out[at]!.text).length + words(out[at + 1]!.text).length)
        at = i;
    }
    const merged = { text: `${out[at]!.text} ${out[at + 1]!.text}`, visual: out[at]!.visual };
    out = [...out.slice(0, at), merged, ...out.slice(at + 2)];
  }
  while (out.length < count) {
    // Split the longest scene that has more than one sentence, at its middle sentence.
    const candidates = out
      .map((s, i) => ({ i, parts: s.text.match(/[^.!?]+[.!?]+/g) ?? [s.text] }))
      .filter((c) => c.parts.length > 1)
      .sort((a, b) => words(out[b.i]!.text).length - words(out[a.i]!.text).length);
    const c = candidates[0];
    if (!c) break;
    const half = Math.ceil(c.parts.length / 2);
    const scene = out[c.i]!;
    const first = { text: c.parts.slice(0, half).join('').trim(), visual: scene.visual };
    const second = { text: c.parts.slice(half).join('').trim(), visual: scene.visual };
    out = [...out.slice(0, c.i), first, second, ...out.slice(c.i + 1)];
  }
  return out;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const round1 = (n: number) => Math.round(n * 10) / 10;
