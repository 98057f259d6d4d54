/** What draws an ai.image picture: the offline illustrator or a provider behind one interface. */
import type { AiMediaProvider, AiUsage, ImageInput, ImageLayer, MediaMood } from '@reelay/contracts';
import type { JobContext } from '@reelay/runtime';
import type { z } from 'zod';

/** The parsed input, with the seed settled. */
export type ImageRequest = z.output<typeof ImageInput> & { seed: number };

export interface DrawnImage {
  /** A PNG of exactly the asked width × height. */
  file: string;
  mood?: MediaMood;
  palette?: string[];
  keyword?: string;
  revisedPrompt?: string;
  usage?: AiUsage;
  /** Transparent PNG files, back to front. */
  layers?: { name: ImageLayer['name']; depth: number; file: string }[];
}

export interface ImageEngine {
  readonly provider: AiMediaProvider;
  readonly model?: string | undefined;
  draw(request: ImageRequest, dir: string, ctx: JobContext): Promise<DrawnImage>;
}
