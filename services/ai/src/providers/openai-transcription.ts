/**
 * OpenAI-compatible transcription (OpenAI Whisper, faster-whisper-server, whisper.cpp
 * server, LocalAI): POST /audio/transcriptions as multipart with `response_format=
 * verbose_json` and word and segment timestamp granularities.
 */
import { openAsBlob } from 'node:fs';
import { AiProvider, ErrorCode, type TimedWord, type TranscriptSegment } from '@reelay/contracts';
import { type JobContext, TransientError } from '@reelay/runtime';
import { z } from 'zod';
import type { Transcriber, TranscribeOptions, Transcript } from '../voice/transcriber.js';
import { type Prices, type ProviderHttp, withCost } from '@reelay/ai-providers';

const VerboseJson = z.object({
  text: z.string(),
  language: z.string().optional(),
  duration: z.number().optional(),
  words: z.array(z.object({ word: z.string(), start: z.number(), end: z.number() })).optional(),
  segments: z.array(z.object({ start: z.number(), end: z.number(), text: z.string() })).optional(),
  usage: z.object({ type: z.string().optional(), seconds: z.number().optional() }).optional(),
});

export class OpenAiTranscription implements Transcriber {
  readonly provider = AiProvider.openaiCompatible;
  readonly wants = 'flac16k' as const;

  constructor(
    private readonly http: ProviderHttp,
    readonly model: string,
    private readonly prices: Prices,
  ) {}

  async transcribe(file: string, options: TranscribeOptions, ctx: JobContext): Promise<Transcript> {
    const form = new FormData();
    form.set('file', await openAsBlob(file, { type: 'audio/flac' }), 'audio.flac');
    form.set('model', this.model);
    form.set('response_format', 'verbose_json');
    form.append('timestamp_granularities[]', 'word');
    form.append('timestamp_granularities[]', 'segment');
    form.set('language', options.language);
    if (options.prompt) form.set('prompt', options.prompt);
    const response = await this.http.post({
      path: '/audio/transcriptions',
      body: form,
      accept: 'application/json',
      signal: ctx.signal,
      attributes: { 'gen_ai.request.model': this.model, 'gen_ai.operation.name': 'transcription' },
    });
    const parsed = VerboseJson.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) {
      throw new TransientError(`${this.http.name} sent a transcription this client cannot read`, { code: ErrorCode.PROVIDER_ERROR });
    }
    const body = parsed.data;
    const words: TimedWord[] = (body.words ?? [])
      .map((w) => ({ word: w.word.trim(), startSec: w.start, endSec: w.end }))
      .filter((w) => w.word);
    const segments: TranscriptSegment[] = (body.segments ?? []).map((s) => ({ startSec: s.start, endSec: s.end, text: s.text.trim() }));
    const audioSeconds = body.usage?.seconds ?? body.duration ?? options.durationSec;
    return {
      text: body.text.trim(),
      // verbose_json names the language ("english"); keep the code the job asked for.
      language: body.language && /^[a-z]{2}$/.test(body.language) ? body.language : options.language,
      words,
      segments,
      usage: withCost({ requests: 1, audioSeconds }, this.prices),
    };
  }
}
