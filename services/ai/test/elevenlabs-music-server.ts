/**
 * A local HTTP server (127.0.0.1, port 0) speaking ElevenLabs' music endpoint as
 * documented: POST /v1/music?output_format=mp3_44100_128 with `xi-api-key`, JSON
 * {prompt | composition_plan, music_length_ms (10,000–300,000), model_id, force_instrumental}
 * → the MP3 bytes of a track that long (made with ffmpeg's lame encoder). Errors are
 * ElevenLabs-shaped: {detail: {status, message}}; a prompt naming an artist is refused
 * as `bad_prompt`, as the real service refuses copyrighted material.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startElevenLabsApi } from './elevenlabs-api-server.js';

const run = promisify(execFile);
const OUTPUT_FORMATS = new Set(['mp3_22050_32', 'mp3_44100_64', 'mp3_44100_96', 'mp3_44100_128', 'mp3_44100_192', 'pcm_44100']);

export interface ElevenLabsMusicServer {
  baseUrl: string;
  requests: { query: string; body: any }[];
  close(): Promise<void>;
}

/** A real MP3: two sines a fifth apart, `seconds` long. */
async function mp3(seconds: number): Promise<Buffer> {
  const { stdout } = await run(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      `aevalsrc=0.2*sin(2*PI*220*t)+0.15*sin(2*PI*330*t):s=44100:d=${seconds}`,
      '-ac',
      '2',
      '-c:a',
      'libmp3lame',
      '-b:a',
      '128k',
      '-f',
      'mp3',
      'pipe:1',
    ],
    { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

export async function startElevenLabsMusicServer(options: { apiKey: string }): Promise<ElevenLabsMusicServer> {
  const requests: ElevenLabsMusicServer['requests'] = [];
  const api = await startElevenLabsApi({ apiKey: options.apiKey, route: /^\/v1\/music$/ }, async ({ url, body, res, fail }) => {
    requests.push({ query: url.search, body });
    const format = url.searchParams.get('output_format') ?? 'mp3_44100_128';
    if (!OUTPUT_FORMATS.has(format)) return fail(400, 'invalid_output_format', `Unsupported output format ${format}`);
    if ((body.prompt === undefined) === (body.composition_plan === undefined))
      return fail(422, 'invalid_request', 'Exactly one of prompt or composition_plan must be provided');
    if (typeof body.prompt !== 'string' || body.prompt.length === 0 || body.prompt.length > 4100)
      return fail(422, 'invalid_prompt', 'prompt must be 1-4100 characters');
    const ms = body.music_length_ms;
    if (ms !== undefined && (!Number.isInteger(ms) || ms < 10_000 || ms > 300_000))
      return fail(422, 'invalid_music_length', 'music_length_ms must be between 10000 and 300000');
    if (body.model_id !== undefined && body.model_id !== 'music_v1')
      return fail(400, 'model_not_found', `Model ${body.model_id} not found`);
    if (/taylor swift/i.test(body.prompt))
      return fail(400, 'bad_prompt', 'The prompt references copyrighted material; try "an upbeat pop song with bright guitars".');
    const audio = await mp3((ms ?? 30_000) / 1000);
    res.writeHead(200, { 'content-type': 'audio/mpeg', 'song-id': `song_${requests.length}` }).end(audio);
  });
  return { ...api, requests };
}
