/**
 * OpenAI-compatible text to speech: POST /audio/speech {model, input, voice,
 * response_format: "wav", speed} → audio bytes. Pitch is not part of that API and is
 * ignored (docs/ai-providers.md says so).
 */
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { AiProvider } from '@reelay/contracts';
import type { JobContext } from '@reelay/runtime';
import type { Synthesizer, VoiceSettings } from '../voice/synthesizer.js';
import { type Prices, type ProviderHttp, withCost } from '@reelay/ai-providers';

export class OpenAiSpeech implements Synthesizer {
  constructor(
    private readonly http: ProviderHttp,
    readonly model: string,
    readonly defaultVoice: string,
    private readonly prices: Prices,
  ) {}

  providerFor(): AiProvider {
    return AiProvider.openaiCompatible;
  }

  async synthesize(text: string, settings: VoiceSettings, outPath: string, ctx: JobContext) {
    const response = await this.http.post({
      path: '/audio/speech',
      contentType: 'application/json',
      accept: 'audio/wav',
      signal: ctx.signal,
      attributes: { 'gen_ai.request.model': this.model, 'gen_ai.operation.name': 'speech' },
      body: JSON.stringify({ model: this.model, input: text, voice: settings.voice, response_format: 'wav', speed: settings.rate }),
    });
    if (!response.body) throw new Error('speech response has no body');
    await pipeline(Readable.fromWeb(response.body as unknown as WebReadableStream<Uint8Array>), createWriteStream(outPath));
    return { usage: withCost({ requests: 1, characters: text.length }, this.prices) };
  }
}
