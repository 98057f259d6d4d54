/** ai.hashtags: hashtags for a text, from a chat model or offline keyword extraction. */
import { AiProvider, type aiTasks } from '@reelay/contracts';
import type { TaskHandler } from '@reelay/runtime';
import { z } from 'zod';
import { camelCase, extractKeywords } from '../text/keywords.js';
import type { AiDeps } from './ai-deps.js';

/** Each platform's discovery tag, added last when there is room. */
const PLATFORM_TAGS: Record<string, string | undefined> = {
  tiktok: '#fyp',
  instagram: '#reels',
  youtube: '#shorts',
  x: undefined,
  generic: undefined,
};

const ModelHashtags = z.object({ hashtags: z.array(z.string()).min(1) });

export function hashtagsHandler(deps: AiDeps): TaskHandler<(typeof aiTasks)['ai.hashtags']> {
  return async (input, ctx) => {
    const platformTag = PLATFORM_TAGS[input.platform];
    if (!deps.chat) {
      const room = platformTag && input.count > 1 ? input.count - 1 : input.count;
      const tags = extractKeywords(input.text, room).map((k) => `#${camelCase(k.words)}`);
      return { hashtags: normalize([...tags, ...(platformTag ? [platformTag] : [])], input.count), provider: AiProvider.offlineAnalysis };
    }
    const answer = await deps.chat.complete({
      name: 'hashtags',
      schema: ModelHashtags,
      signal: ctx.signal,
      temperature: 0.3,
      system: 'You pick hashtags for social video. Most relevant first, mix broad and specific, no spaces inside a tag.',
      user: `Platform: ${input.platform}\nHow many: ${input.count}\nText:\n${input.text}`,
    });
    return {
      hashtags: normalize(answer.data.hashtags, input.count),
      provider: AiProvider.openaiCompatible,
      model: answer.model,
      usage: answer.usage,
    };
  };
}

/** `#` prefix, letters and digits only, no duplicates (case-insensitive), at most `count`. */
function normalize(tags: readonly string[], count: number): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const tag of tags) {
    const body = tag.replace(/[^\p{L}\p{N}]/gu, '');
    if (!body || seen.has(body.toLowerCase())) continue;
    seen.add(body.toLowerCase());
    out.push(`#${body}`);
    if (out.length >= count) break;
  }
  return out;
}
