/** ai.variations: A/B variations of a hook line, from a chat model or offline devices. */
import { AiProvider, type aiTasks } from '@reelay/contracts';
import type { TaskHandler } from '@reelay/runtime';
import { z } from 'zod';
import { hookVariations } from '../text/hook-variations.js';
import type { AiDeps } from './ai-deps.js';

const ModelVariations = z.object({
  variations: z
    .array(
      z.object({ text: z.string().min(1), angle: z.string().describe('The device used: question, number, contrarian, promise, story…') }),
    )
    .min(1),
});

export function variationsHandler(deps: AiDeps): TaskHandler<(typeof aiTasks)['ai.variations']> {
  return async (input, ctx) => {
    if (!deps.chat) return { variations: hookVariations(input.text, input.count), provider: AiProvider.offlineTemplate };
    const answer = await deps.chat.complete({
      name: 'hook_variations',
      schema: ModelVariations,
      signal: ctx.signal,
      temperature: 0.9,
      system: 'You write opening hook lines for short videos, for A/B tests. Each variation uses a different device and is under 12 words.',
      user: `Write ${input.count} variations of this hook:\n${input.text}`,
    });
    return {
      variations: answer.data.variations.slice(0, input.count).map((v) => ({ text: v.text.trim(), angle: v.angle.trim() || 'other' })),
      provider: AiProvider.openaiCompatible,
      model: answer.model,
      usage: answer.usage,
    };
  };
}
