/**
 * The offline ai.image engine: composes the hint into an SVG (illustration.ts) and
 * rasterises it with resvg. Deterministic: one prompt and seed, one PNG, on every host.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AiMediaProvider } from '@reelay/contracts';
import type { JobContext } from '@reelay/runtime';
import type { DrawnImage, ImageEngine, ImageRequest } from './image-engine.js';
import { illustrate } from './illustration.js';
import { renderPng } from './render-png.js';

export class OfflineIllustrator implements ImageEngine {
  readonly provider = AiMediaProvider.offlineIllustrator;
  readonly model = undefined;

  async draw(request: ImageRequest, dir: string, ctx: JobContext): Promise<DrawnImage> {
    const picture = illustrate({
      prompt: request.prompt,
      width: request.width,
      height: request.height,
      seed: request.seed,
      sceneIndex: request.sceneIndex,
      mood: request.mood,
      keyword: request.keyword,
    });
    ctx.progress(30, 'rendering the illustration');
    const file = path.join(dir, 'image.png');
    await writeFile(file, renderPng(picture.svg));
    const out: DrawnImage = { file, mood: picture.mood, palette: picture.palette };
    if (picture.keyword) out.keyword = picture.keyword;
    if (request.layers) {
      ctx.progress(60, 'rendering the depth layers');
      out.layers = [];
      for (const [depth, layer] of picture.layers.entries()) {
        const layerFile = path.join(dir, `layer-${layer.name}.png`);
        await writeFile(layerFile, renderPng(layer.svg));
        out.layers.push({ name: layer.name, depth, file: layerFile });
      }
    }
    return out;
  }
}
