/** What makes an ai.music bed before finishing: the offline synthesiser or a provider. */
import type { AiMediaProvider, AiUsage, MusicInput } from '@reelay/contracts';
import type { JobContext } from '@reelay/runtime';
import type { z } from 'zod';

export type MusicRequest = z.output<typeof MusicInput> & { seed: number };

export interface RawBed {
  /** Audio of exactly the asked duration, faded, not yet loudness-normalised (any format ffmpeg reads). */
  file: string;
  tempoBpm?: number;
  key?: string;
  chords?: string[];
  prompt?: string;
  usage?: AiUsage;
}

export interface MusicEngine {
  readonly provider: AiMediaProvider;
  readonly model?: string | undefined;
  compose(request: MusicRequest, dir: string, ctx: JobContext): Promise<RawBed>;
}
