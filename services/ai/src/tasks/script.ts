/** ai.script: a topic → a narrated script of scenes, from a chat model or the offline template. */
import { AiProvider, type aiTasks } from '@reelay/contracts';
import type { TaskHandler } from '@reelay/runtime';
import { z } from 'zod';
import { templateScript, WORDS_PER_SECOND } from '../text/script-template.js';
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
    const words_ = Math.round(input.targetSeconds * WORDS_PER_SECOND);
    const answer = await deps.chat.complete({
      name: 'video_script',
      schema: ModelScript,
      signal: ctx.signal,
      system:
        'You write scripts for short vertical videos. Each scene has narration text, a visual suggestion and a duration in seconds. ' +
        'Open with a hook that lands in 3 seconds. Spoken style, short sentences, no stage directions in the narration.',
      user:
        `Topic: ${input.topic}\nAudience: ${input.audience}\nTone: ${input.tone}\n` +
        `Target length: ${input.targetSeconds} seconds (about ${words_} spoken words at ${WORDS_PER_SECOND} words per second).`,
    });
    const scenes = answer.data.scenes.map((s, index) => ({
      index,
      text: s.text.trim(),
      visual: s.visual.trim(),
      durationSec: Math.max(0.5, Math.round(s.durationSec * 10) / 10),
    }));
    return {
      title: answer.data.title.trim(),
      hook: answer.data.hook.trim(),
      scenes,
      totalSeconds: Math.round(scenes.reduce((sum, s) => sum + s.durationSec, 0) * 10) / 10,
      wordCount: scenes.reduce((n, s) => n + words(s.text).length, 0),
      provider: AiProvider.openaiCompatible,
      model: answer.model,
      usage: answer.usage,
    };
  };
}
