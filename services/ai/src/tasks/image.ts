/**
 * ai.image: a scene's visual hint → a PNG artifact of the asked size, from the configured
 * engine (an OpenAI-compatible images API, or the offline illustrator). The seed is the
 * input's, or one derived from the prompt and scene index, so a rerun draws the same.
 */
import type { aiMediaTasks, ImageLayer, ImageOutput } from '@reelay/contracts';
import { type TaskHandler, TransientError } from '@reelay/runtime';
import { readFile } from 'node:fs/promises';
import { pngSize } from '../images/render-png.js';
import { seedFromText } from '../images/seeded-random.js';
import type { AiDeps } from './ai-deps.js';

export function imageHandler(deps: Pick<AiDeps, 'images'>): TaskHandler<(typeof aiMediaTasks)['ai.image']> {
  return async (input, ctx) => {
    const seed = input.seed ?? seedFromText(`${input.prompt}#${input.sceneIndex ?? 0}`);
    const dir = await ctx.tempDir();
    const engine = deps.images;
    const drawn = await engine.draw({ ...input, seed }, dir, ctx);
    const size = pngSize(await readFile(drawn.file));
    // The engines promise exactly width × height; a PNG that is not is a bug worth a retry elsewhere.
    if (!size || size.width !== input.width || size.height !== input.height)
      throw new TransientError(
        `the ${engine.provider} engine drew ${size ? `${size.width}x${size.height}` : 'no PNG'}, not ${input.width}x${input.height}`,
      );
    ctx.progress(90, 'storing the picture');
    const image = await ctx.artifacts.putFile(drawn.file, { name: `${input.name}.png`, contentType: 'image/png' });
    const out: ImageOutput = { image, width: size.width, height: size.height, seed, provider: engine.provider };
    if (engine.model) out.model = engine.model;
    if (drawn.usage) out.usage = drawn.usage;
    if (drawn.mood) out.mood = drawn.mood;
    if (drawn.palette) out.palette = drawn.palette;
    if (drawn.keyword) out.keyword = drawn.keyword;
    if (drawn.revisedPrompt) out.revisedPrompt = drawn.revisedPrompt;
    if (drawn.layers) {
      const layers: ImageLayer[] = [];
      for (const layer of drawn.layers) {
        const ref = await ctx.artifacts.putFile(layer.file, { name: `${input.name}-${layer.name}.png`, contentType: 'image/png' });
        layers.push({ depth: layer.depth, name: layer.name, image: ref });
      }
      out.layers = layers;
    }
    return out;
  };
}
