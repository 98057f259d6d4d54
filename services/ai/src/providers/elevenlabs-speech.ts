/**
 * ElevenLabs text to speech: POST /v1/text-to-speech/{voice_id}?output_format=pcm_24000
 * with `xi-api-key`, body {text, model_id, voice_settings: {speed}} → raw 16-bit mono PCM
 * at 24 kHz, which is wrapped into a WAV header here so ffmpeg and ffprobe read it.
 */
import { writeFile } from 'node:fs/promises';
import { AiProvider } from '@reelay/contracts';
import type { JobContext } from '@reelay/runtime';
import type { Synthesizer, VoiceSettings } from '../voice/synthesizer.js';
import { type Prices, type ProviderHttp, withCost } from '@reelay/ai-providers';
import { wavHeader } from '../voice/wav-header.js';

const SAMPLE_RATE = 24_000;

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

  async synthesize(text: string, settings: VoiceSettings, outPath: string, ctx: JobContext) {
    const response = await this.http.post({
      path: `/v1/text-to-speech/${encodeURIComponent(settings.voice)}?output_format=pcm_${SAMPLE_RATE}`,
      contentType: 'application/json',
      accept: 'audio/pcm',
      signal: ctx.signal,
      attributes: { 'gen_ai.request.model': this.model, 'gen_ai.operation.name': 'speech' },
      // ElevenLabs accepts speed 0.7–1.2; clamp rather than fail the job.
      body: JSON.stringify({
        text,
        model_id: this.model,
        voice_settings: { speed: Math.min(1.2, Math.max(0.7, settings.rate)) },
      }),
    });
    const pcm = Buffer.from(await response.arrayBuffer());
    await writeFile(outPath, Buffer.concat([wavHeader(pcm.length, SAMPLE_RATE), pcm]));
    return { usage: withCost({ requests: 1, characters: text.length }, this.prices) };
  }
}
