/** What every speech recognizer does for ai.transcribe. */
import type { AiProvider, AiUsage, TimedWord, TranscriptSegment } from '@reelay/contracts';
import type { JobContext } from '@reelay/runtime';

export interface Transcript {
  text: string;
  language: string;
  words: TimedWord[];
  segments: TranscriptSegment[];
  usage?: AiUsage;
}

export interface TranscribeOptions {
  language: string;
  prompt?: string | undefined;
  durationSec: number;
}

export interface Transcriber {
  provider: AiProvider;
  model?: string;
  /** What to expect of its accuracy, recorded in every result. */
  accuracyNote?: string;
  /** `wav16k`: 16 kHz mono PCM WAV of the input; `flac16k` the same as FLAC (smaller uploads). */
  wants: 'wav16k' | 'flac16k';
  transcribe(file: string, options: TranscribeOptions, ctx: JobContext): Promise<Transcript>;
}
