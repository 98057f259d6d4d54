/**
 * Reads a scene's visual hint ("B-roll of sourdough starter, caption \"Step 1\"") the way
 * an illustrator would: what it is about (the motif to draw), how it should feel (the
 * mood, hence the palette) and the word worth setting in type. Word lists, not a model:
 * the offline illustrator must run anywhere, and the same hint always reads the same.
 */
import type { MediaMood } from '@reelay/contracts';
import { STOPWORDS } from '../text/stopwords.js';
import { normalizeWord, words } from '../text/words.js';

/** What the middle layer draws. */
export type Motif = 'city' | 'nature' | 'water' | 'tech' | 'growth' | 'space' | 'food' | 'people' | 'steps' | 'abstract';

/** Filming vocabulary: it says how to shoot, not what the picture is of. */
const SHOT_WORDS = new Set(
  (
    'close-up closeup close up b-roll broll roll shot shots presenter camera caption captions card cards screen on-screen text bold ' +
    'background foreground pointing point button end recap listing list title overlay footage clip cut zoom pan scene frame ' +
    'shows showing show view wide medium angle slow motion split montage graphic graphics animated animation intro outro lower third'
  ).split(' '),
);

const MOTIF_WORDS: Record<Exclude<Motif, 'abstract'>, string[]> = {
  city: [
    'city',
    'street',
    'building',
    'buildings',
    'office',
    'skyline',
    'urban',
    'town',
    'traffic',
    'downtown',
    'commute',
    'work',
    'job',
    'career',
  ],
  nature: [
    'forest',
    'tree',
    'trees',
    'garden',
    'plant',
    'plants',
    'mountain',
    'mountains',
    'hike',
    'park',
    'nature',
    'leaf',
    'flower',
    'green',
    'grow',
    'soil',
    'outdoor',
    'outdoors',
    'walk',
  ],
  water: ['ocean', 'sea', 'beach', 'water', 'wave', 'waves', 'river', 'lake', 'swim', 'rain', 'boat', 'surf', 'fish', 'drink', 'hydrate'],
  tech: [
    'tech',
    'technology',
    'computer',
    'code',
    'coding',
    'software',
    'app',
    'apps',
    'phone',
    'data',
    'ai',
    'digital',
    'internet',
    'online',
    'robot',
    'device',
    'screen',
    'laptop',
    'program',
    'api',
    'cloud',
    'network',
  ],
  growth: [
    'money',
    'finance',
    'budget',
    'save',
    'saving',
    'savings',
    'invest',
    'investing',
    'growth',
    'grow',
    'chart',
    'profit',
    'income',
    'sales',
    'business',
    'market',
    'price',
    'cost',
    'dollar',
    'rich',
    'stock',
    'stocks',
    'bank',
  ],
  space: [
    'space',
    'star',
    'stars',
    'night',
    'moon',
    'planet',
    'galaxy',
    'universe',
    'dream',
    'dreams',
    'sleep',
    'rocket',
    'astronomy',
    'sky',
  ],
  food: [
    'food',
    'bread',
    'sourdough',
    'coffee',
    'tea',
    'cook',
    'cooking',
    'kitchen',
    'recipe',
    'bake',
    'baking',
    'meal',
    'eat',
    'eating',
    'dinner',
    'breakfast',
    'lunch',
    'fruit',
    'starter',
    'dough',
    'oven',
  ],
  people: [
    'people',
    'team',
    'friend',
    'friends',
    'family',
    'presenter',
    'person',
    'community',
    'talk',
    'meet',
    'meeting',
    'together',
    'kids',
    'parent',
    'audience',
    'social',
  ],
  steps: ['step', 'steps', 'recap', 'list', 'checklist', 'tips', 'tip', 'summary', 'plan', 'guide', 'how', 'routine', 'habit', 'habits'],
};

const MOOD_WORDS: Partial<Record<MediaMood, string[]>> = {
  energetic: [
    'fast',
    'boost',
    'power',
    'energy',
    'exciting',
    'wow',
    'now',
    'quick',
    'hack',
    'hacks',
    'epic',
    'run',
    'workout',
    'fitness',
    'sport',
    'win',
  ],
  calm: ['calm', 'relax', 'peace', 'peaceful', 'sleep', 'quiet', 'slow', 'gentle', 'breathe', 'meditation', 'mindful', 'rest', 'soft'],
  serious: ['serious', 'important', 'law', 'health', 'risk', 'policy', 'report', 'fact', 'facts', 'truth', 'history'],
  dramatic: ['danger', 'warning', 'mistake', 'mistakes', 'never', 'worst', 'fail', 'fire', 'crisis', 'shocking', 'stop'],
  mysterious: ['secret', 'secrets', 'mystery', 'hidden', 'unknown', 'strange', 'dark', 'night', 'why'],
  humorous: ['fun', 'funny', 'joke', 'laugh', 'silly', 'weird', 'cat', 'cats', 'dog', 'dogs', 'party'],
  informative: ['learn', 'guide', 'data', 'explained', 'science', 'study', 'research', 'tips', 'step', 'steps', 'how'],
};

export interface HintReading {
  motif: Motif;
  mood: MediaMood;
  /** The word (or two) to set in type; empty when the hint has none worth it. */
  keyword: string;
  /** Content words, most telling first. */
  subjects: string[];
}

export function readHint(hint: string, overrides: { mood?: MediaMood | undefined; keyword?: string | undefined } = {}): HintReading {
  const tokens = words(hint).map(normalizeWord);
  const content = tokens.filter((t) => !STOPWORDS.has(t) && !SHOT_WORDS.has(t) && !/^\d+$/.test(t));
  return {
    motif: pickMotif(tokens),
    mood: overrides.mood ?? pickMood(tokens),
    keyword: overrides.keyword !== undefined ? overrides.keyword : pickKeyword(hint, content),
    subjects: content,
  };
}

function pickMotif(tokens: string[]): Motif {
  let best: Motif = 'abstract';
  let bestScore = 0;
  for (const [motif, list] of Object.entries(MOTIF_WORDS) as [Motif, string[]][]) {
    // Earlier words weigh a little more: a hint names its subject first.
    const score = tokens.reduce((sum, t, i) => (list.includes(t) ? sum + 1 + 1 / (i + 2) : sum), 0);
    if (score > bestScore) {
      best = motif;
      bestScore = score;
    }
  }
  return best;
}

function pickMood(tokens: string[]): MediaMood {
  let best: MediaMood = 'friendly';
  let bestScore = 0;
  for (const [mood, list] of Object.entries(MOOD_WORDS) as [MediaMood, string[]][]) {
    const score = tokens.filter((t) => list.includes(t)).length;
    if (score > bestScore) {
      best = mood;
      bestScore = score;
    }
  }
  return best;
}

/**
 * Quoted on-screen text wins ("Step 1", "Sourdough bread?"); otherwise the longest of the
 * first content words, which is usually the noun the hint is about.
 */
function pickKeyword(hint: string, content: string[]): string {
  const quoted = /["“]([^"”]{2,40})["”]/.exec(hint)?.[1]?.trim();
  if (quoted) return quoted.replace(/[?!.:,;]+$/, '');
  const candidates = content.slice(0, 4);
  if (candidates.length === 0) return '';
  return candidates.reduce((a, b) => (b.length > a.length ? b : a));
}
