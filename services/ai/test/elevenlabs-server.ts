/**
 * A local HTTP server (127.0.0.1, port 0) speaking ElevenLabs' text-to-speech endpoint:
 * POST /v1/text-to-speech/{voice_id}?output_format=pcm_24000 with `xi-api-key`, JSON
 * {text, model_id, voice_settings} → raw 16-bit mono PCM at 24 kHz. Errors are
 * ElevenLabs-shaped: {detail: {status, message}}.
 */
import { startElevenLabsApi } from './elevenlabs-api-server.js';
import { toneWav } from './wav-tone.js';

export const ELEVENLABS_SECONDS_PER_CHAR = 0.04;

export interface ElevenLabsServer {
  baseUrl: string;
  requests: { voiceId: string; query: string; body: any }[];
  close(): Promise<void>;
}

export async function startElevenLabsServer(options: { apiKey: string; voiceId: string }): Promise<ElevenLabsServer> {
  const requests: ElevenLabsServer['requests'] = [];
  const api = await startElevenLabsApi(
    { apiKey: options.apiKey, route: /^\/v1\/text-to-speech\/([^/]+)$/ },
    ({ url, match, body, res, fail }) => {
      const voiceId = decodeURIComponent(match[1]!);
      requests.push({ voiceId, query: url.search, body });
      if (voiceId !== options.voiceId) return fail(400, 'voice_not_found', `A voice with the voice_id ${match[1]} was not found.`);
      if (url.searchParams.get('output_format') !== 'pcm_24000') return fail(400, 'invalid_output_format', 'Unsupported output format');
      if (typeof body.text !== 'string' || !body.text) return fail(422, 'invalid_text', 'text is required');
      const wav = toneWav(body.text.length * ELEVENLABS_SECONDS_PER_CHAR, 24_000);
      // pcm_24000 is headerless PCM: drop the 44-byte WAV header.
      res.writeHead(200, { 'content-type': 'audio/pcm' }).end(wav.subarray(44));
    },
  );
  return { ...api, requests };
}
