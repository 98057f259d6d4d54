/** ai.script: a topic → a narrated script of scenes, from a chat model or the offline template. */
import { AiProvider, type aiTasks, ErrorCode } from '@reelay/contracts';
import { ReelayError, type TaskHandler } from '@reelay/runtime';
import { z } from 'zod';
import { regroup, templateScript } from '../text/script-template.js';
import { DEFAULT_PACE, narrationSeconds, wordsForSeconds } from '../text/speech-pace.js';
import { words } from '../text/words.js';
import type { AiDeps } from './ai-deps.js';

/** What the model must return; the rest of ScriptOutput is computed here. */
const ModelScript = z.object({
  title: z.string().min(1),
  hook: z.string().min(1),
  scenes: z
    .array(
      z.object({
        text: z.string().min(1).describe('What the narrator says in this scene.'),
        visual: z.string().describe('What the viewer sees: a shot or b-roll suggestion.'),
        durationSec: z.number().describe('Seconds this scene lasts.'),
      }),
    )
    .min(1),
});

export function scriptHandler(deps: AiDeps): TaskHandler<(typeof aiTasks)['ai.script']> {
  return async (input, ctx) => {
    if (!deps.chat) return templateScript(input);
    ctx.progress(10, 'asking the model');
    const narration = input.targetSeconds - input.reservedSeconds;
    const words_ = wordsForSeconds(narration);
    const count = input.sceneCount ? `Write exactly ${input.sceneCount} scenes. ` : '';
    const answer = await deps.chat.complete({
      name: 'video_script',
      schema: ModelScript,
      signal: ctx.signal,
      system:
        'You write scripts for short vertical videos. Each scene has narration text, a visual suggestion and a duration in seconds. ' +
        'Open with a hook that lands in 3 seconds. Spoken style, short sentences, no stage directions in the narration. ' +
        'The visual is a concrete picture an illustrator can draw: subject, setting, light, colours.',
      user:
        `Topic: ${input.topic}\nAudience: ${input.audience}\nTone: ${input.tone}\n` +
        `Narration length: ${narration} seconds, about ${words_} spoken words in all. ${count}`.trimEnd(),
    });
    let scenes = answer.data.scenes.map((s) => ({ text: s.text.trim(), visual: s.visual.trim() }));
    if (input.sceneCount !== undefined && scenes.length !== input.sceneCount) {
      scenes = regroup(scenes, input.sceneCount);
      // Too few sentences to make the scenes asked for: the model answers differently next time.
      if (scenes.length !== input.sceneCount) {
        throw new ReelayError(
          ErrorCode.PROVIDER_ERROR,
          `the model wrote ${scenes.length} scenes' worth of sentences; ${input.sceneCount} were asked for`,
          {
            retryable: true,
          },
        );
      }
    }
    // Durations follow what the voice will take, not the model's guess.
    const timed = scenes.map((s, index) => ({
      index,
      ...s,
      durationSec: Math.max(
        0.5,
        Math.round((narrationSeconds([s.text]) + (index < scenes.length - 1 ? DEFAULT_PACE.pauseSec : 0)) * 10) / 10,
      ),
    }));
    return {
      title: answer.data.title.trim(),
      hook: answer.data.hook.trim(),
      scenes: timed,
      totalSeconds: Math.round(timed.reduce((sum, s) => sum + s.durationSec, 0) * 10) / 10,
      wordCount: timed.reduce((n, s) => n + words(s.text).length, 0),
      provider: AiProvider.openaiCompatible,
      model: answer.model,
      usage: answer.usage,
    };
  };
}
