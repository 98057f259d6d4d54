/**
 * ElevenLabs text to speech with timing: POST
 * /v1/text-to-speech/{voice_id}/with-timestamps?output_format=pcm_24000 with
 * `xi-api-key`, body {text, model_id, voice_settings: {speed}} → JSON {audio_base64,
 * alignment, normalized_alignment}. The audio is raw 16-bit mono PCM at 24 kHz, wrapped
 * into a WAV header here so ffmpeg and ffprobe read it. `alignment` times every
 * character of the text as sent (characters, character_start_times_seconds,
 * character_end_times_seconds), which makes the sentence's word times; the
 * `normalized_alignment` times the text as the model read it ("3" as "three") and
 * matches no word on screen, so it is not used.
 *
 * A missing or unreadable audio is the provider's fault and retried. An alignment that
 * does not fit the text (arrays of different lengths, characters that spell something
 * else) is logged and dropped: the audio is good and paid for, and the captions fall
 * back to forced alignment of it.
 */
import { writeFile } from 'node:fs/promises';
import { AiProvider, ErrorCode, type TimedWord } from '@reelay/contracts';
import { type JobContext, TransientError } from '@reelay/runtime';
import { z } from 'zod';
import { type Prices, type ProviderHttp, withCost } from '@reelay/ai-providers';
import { wordsFromCharacters } from '../captions/character-timings.js';
import type { Synthesized, Synthesizer, VoiceSettings } from '../voice/synthesizer.js';
import { wavHeader } from '../voice/wav-header.js';

const SAMPLE_RATE = 24_000;

const TimestampedAudio = z.object({ audio_base64: z.string().min(1), alignment: z.unknown().optional() });
const Alignment = z.object({
  characters: z.array(z.string()),
  character_start_times_seconds: z.array(z.number()),
  character_end_times_seconds: z.array(z.number()),
});

export class ElevenLabsSpeech implements Synthesizer {
  constructor(
    private readonly http: ProviderHttp,
    readonly model: string,
    readonly defaultVoice: string,
    private readonly prices: Prices,
  ) {}

  providerFor(): AiProvider {
    return AiProvider.elevenlabs;
  }

  async synthesize(text: string, settings: VoiceSettings, outPath: string, ctx: JobContext): Promise<Synthesized> {
    const response = await this.http.post({
      path: `/v1/text-to-speech/${encodeURIComponent(settings.voice)}/with-timestamps?output_format=pcm_${SAMPLE_RATE}`,
      contentType: 'application/json',
      accept: 'application/json',
      signal: ctx.signal,
      attributes: { 'gen_ai.request.model': this.model, 'gen_ai.operation.name': 'speech' },
      // ElevenLabs accepts speed 0.7–1.2; clamp rather than fail the job.
      body: JSON.stringify({
        text,
        model_id: this.model,
        voice_settings: { speed: Math.min(1.2, Math.max(0.7, settings.rate)) },
      }),
    });
    const parsed = TimestampedAudio.safeParse(await response.json().catch(() => undefined));
    const unreadable = () =>
      new TransientError(`${this.http.name} sent speech with timestamps this client cannot read`, { code: ErrorCode.PROVIDER_ERROR });
    if (!parsed.success) throw unreadable();
    const pcm = Buffer.from(parsed.data.audio_base64, 'base64');
    // 16-bit samples: whole ones, at least one.
    if (pcm.length < 2 || pcm.length % 2 !== 0) throw unreadable();
    await writeFile(outPath, Buffer.concat([wavHeader(pcm.length, SAMPLE_RATE), pcm]));
    const out: Synthesized = { usage: withCost({ requests: 1, characters: text.length }, this.prices) };
    const { alignment } = parsed.data;
    const words = alignment == null ? undefined : this.words(text, alignment);
    if (words) out.words = words;
    else
      ctx.log.warn(
        { provider: this.http.name },
        alignment == null
          ? 'the answer has no character timings: the words are left to alignment'
          : 'the character timings do not fit the sentence: its words are left to alignment',
      );
    return out;
  }

  private words(text: string, alignment: unknown): TimedWord[] | undefined {
    const parsed = Alignment.safeParse(alignment);
    if (!parsed.success) return undefined;
    const a = parsed.data;
    return wordsFromCharacters(text, {
      characters: a.characters,
      startSec: a.character_start_times_seconds,
      endSec: a.character_end_times_seconds,
    });
  }
}
