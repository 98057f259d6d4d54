/**
 * A local HTTP server (127.0.0.1, port 0) speaking ElevenLabs' text-to-speech endpoints
 * with `xi-api-key` and JSON {text, model_id, voice_settings}:
 *
 * - POST /v1/text-to-speech/{voice_id}?output_format=pcm_24000 → raw 16-bit mono PCM at
 *   24 kHz;
 * - POST /v1/text-to-speech/{voice_id}/with-timestamps?output_format=pcm_24000 → JSON
 *   {audio_base64, alignment, normalized_alignment}: the same PCM in base64, and for
 *   every character of the text its start and end in that audio
 *   (characters, character_start_times_seconds, character_end_times_seconds).
 *
 * Each character lasts ELEVENLABS_SECONDS_PER_CHAR: a tone for what is not whitespace,
 * silence for whitespace, so the words' sound in the audio is where the alignment says.
 * Errors are ElevenLabs-shaped: {detail: {status, message}}.
 */
import { startElevenLabsApi } from './elevenlabs-api-server.js';

export const ELEVENLABS_SECONDS_PER_CHAR = 0.04;
const SAMPLE_RATE = 24_000;
const SAMPLES_PER_CHAR = Math.round(ELEVENLABS_SECONDS_PER_CHAR * SAMPLE_RATE);

/** What the server does wrong for a text, when asked: an alignment whose arrays disagree in length, or a body that is not JSON. */
export type ElevenLabsFault = 'mismatched-alignment' | 'not-json';

export interface ElevenLabsServer {
  baseUrl: string;
  requests: { voiceId: string; endpoint: 'convert' | 'with-timestamps'; query: string; body: any }[];
  close(): Promise<void>;
}

export async function startElevenLabsServer(options: {
  apiKey: string;
  voiceId: string;
  /** Sentences the server mistreats, and how. */
  faults?: Record<string, ElevenLabsFault>;
}): Promise<ElevenLabsServer> {
  const requests: ElevenLabsServer['requests'] = [];
  const api = await startElevenLabsApi(
    { apiKey: options.apiKey, route: /^\/v1\/text-to-speech\/([^/]+?)(\/with-timestamps)?$/ },
    ({ url, match, body, res, fail }) => {
      const voiceId = decodeURIComponent(match[1]!);
      const endpoint = match[2] ? 'with-timestamps' : 'convert';
      requests.push({ voiceId, endpoint, query: url.search, body });
      if (voiceId !== options.voiceId) return fail(400, 'voice_not_found', `A voice with the voice_id ${match[1]} was not found.`);
      if (url.searchParams.get('output_format') !== 'pcm_24000') return fail(400, 'invalid_output_format', 'Unsupported output format');
      if (typeof body.text !== 'string' || !body.text) return fail(422, 'invalid_text', 'text is required');
      const characters = [...body.text];
      const pcm = spokenPcm(characters);
      if (endpoint === 'convert') {
        res.writeHead(200, { 'content-type': 'audio/pcm' }).end(pcm);
        return;
      }
      const fault = options.faults?.[body.text];
      if (fault === 'not-json') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"audio_base64": "UklGR');
        return;
      }
      const alignment = {
        characters,
        character_start_times_seconds: characters.map((_, i) => round3(i * ELEVENLABS_SECONDS_PER_CHAR)),
        character_end_times_seconds: characters.map((_, i) => round3((i + 1) * ELEVENLABS_SECONDS_PER_CHAR)),
      };
      if (fault === 'mismatched-alignment') alignment.character_end_times_seconds.pop();
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ audio_base64: pcm.toString('base64'), alignment, normalized_alignment: alignment }));
    },
  );
  return { ...api, requests };
}

/** Headerless 16-bit PCM: a 220 Hz tone per character, silence per whitespace character. */
function spokenPcm(characters: readonly string[]): Buffer {
  const data = Buffer.alloc(characters.length * SAMPLES_PER_CHAR * 2);
  for (const [c, character] of characters.entries()) {
    if (/\s/.test(character)) continue;
    for (let i = 0; i < SAMPLES_PER_CHAR; i++) {
      const n = c * SAMPLES_PER_CHAR + i;
      data.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 220 * n) / SAMPLE_RATE) * 8000), n * 2);
    }
  }
  return data;
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;
