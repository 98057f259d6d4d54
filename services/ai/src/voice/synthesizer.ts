/**
 * What every voice engine does for ai.tts: read one sentence into an audio file. The
 * voice track (voice-track.ts) measures and joins the pieces, so timings come out exact
 * whatever the engine.
 */
import type { AiProvider, AiUsage } from '@reelay/contracts';
import type { JobContext } from '@reelay/runtime';

export interface VoiceSettings {
  voice: string;
  /** 1 = the voice's normal pace. */
  rate: number;
  /** 1 = the voice's own pitch. */
  pitch: number;
}

export interface Synthesizer {
  /** Which engine answers for `voice` (offline engines pick flite or espeak-ng by voice). */
  providerFor(voice: string): AiProvider;
  defaultVoice: string;
  model?: string;
  /** Writes the spoken `text` to `outPath` (any format ffmpeg reads). */
  synthesize(text: string, settings: VoiceSettings, outPath: string, ctx: JobContext): Promise<{ usage?: AiUsage }>;
}
