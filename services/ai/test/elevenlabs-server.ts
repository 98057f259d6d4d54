/**
 * A local HTTP server (127.0.0.1, port 0) speaking ElevenLabs' text-to-speech endpoint:
 * POST /v1/text-to-speech/{voice_id}?output_format=pcm_24000 with `xi-api-key`, JSON
 * {text, model_id, voice_settings} → raw 16-bit mono PCM at 24 kHz. Errors are
 * ElevenLabs-shaped: {detail: {status, message}}.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toneWav } from './wav-tone.js';

export const ELEVENLABS_SECONDS_PER_CHAR = 0.04;

export interface ElevenLabsServer {
  baseUrl: string;
  requests: { voiceId: string; query: string; body: any }[];
  close(): Promise<void>;
}

export async function startElevenLabsServer(options: { apiKey: string; voiceId: string }): Promise<ElevenLabsServer> {
  const requests: ElevenLabsServer['requests'] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const fail = (status: number, code: string, message: string) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ detail: { status: code, message } }));
    const match = /^\/v1\/text-to-speech\/([^/]+)$/.exec(url.pathname);
    if (req.method !== 'POST' || !match) return fail(404, 'not_found', 'Not Found');
    if (req.headers['xi-api-key'] !== options.apiKey) return fail(401, 'invalid_api_key', 'Invalid API key');
    const body = JSON.parse(Buffer.concat(chunks).toString() || '{}');
    requests.push({ voiceId: decodeURIComponent(match[1]!), query: url.search, body });
    if (decodeURIComponent(match[1]!) !== options.voiceId)
      return fail(400, 'voice_not_found', `A voice with the voice_id ${match[1]} was not found.`);
    if (url.searchParams.get('output_format') !== 'pcm_24000') return fail(400, 'invalid_output_format', 'Unsupported output format');
    if (typeof body.text !== 'string' || !body.text) return fail(422, 'invalid_text', 'text is required');
    const wav = toneWav(body.text.length * ELEVENLABS_SECONDS_PER_CHAR, 24_000);
    // pcm_24000 is headerless PCM: drop the 44-byte WAV header.
    res.writeHead(200, { 'content-type': 'audio/pcm' }).end(wav.subarray(44));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
