/**
 * ai.quality: readability, length and pacing of a script, with a score and reasons.
 * The measurements are always computed here; a chat model, when configured, judges
 * with them in hand (and may weigh what formulas cannot, like clarity of the hook).
 */
import { AiProvider, type aiTasks } from '@reelay/contracts';
import type { TaskHandler } from '@reelay/runtime';
import { z } from 'zod';
import { judge, PASS_SCORE } from '../text/quality-checks.js';
import { measure } from '../text/readability.js';
import type { AiDeps } from './ai-deps.js';

const ModelReview = z.object({
  score: z.number().describe('0-100 overall.'),
  checks: z
    .array(
      z.object({
        name: z.string(),
        passed: z.boolean(),
        score: z.number().describe('0-100 for this check.'),
        reason: z.string(),
      }),
    )
    .min(1),
});

export function qualityHandler(deps: AiDeps): TaskHandler<(typeof aiTasks)['ai.quality']> {
  return async (input, ctx) => {
    const metrics = measure(input.text, input.wordsPerSecond, input.targetSeconds);
    if (!deps.chat) {
      const verdict = judge(input.text, metrics, input.wordsPerSecond, input.targetSeconds);
      return { ...verdict, metrics, provider: AiProvider.offlineAnalysis };
    }
    const answer = await deps.chat.complete({
      name: 'script_review',
      schema: ModelReview,
      signal: ctx.signal,
      temperature: 0.2,
      system:
        'You review narration scripts for short vertical videos. Check readability, length, pacing and the hook. ' +
        'Give each check a 0-100 score and a concrete reason; the overall score is 0-100.',
      user:
        `Measurements: ${JSON.stringify(metrics)}\nNarration pace: ${input.wordsPerSecond} words/s` +
        `${input.targetSeconds ? `\nSlot: ${input.targetSeconds} s` : ''}\nScript:\n${input.text}`,
    });
    const clamp = (n: number) => Math.round(Math.min(100, Math.max(0, n)));
    const score = clamp(answer.data.score);
    return {
      score,
      passed: score >= PASS_SCORE,
      checks: answer.data.checks.map((c) => ({ ...c, score: clamp(c.score) })),
      metrics,
      provider: AiProvider.openaiCompatible,
      model: answer.model,
      usage: answer.usage,
    };
  };
}
