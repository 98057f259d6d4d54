/**
 * ElevenLabs music: POST /v1/music?output_format=mp3_44100_128 with `xi-api-key`, JSON
 * {prompt, music_length_ms, model_id, force_instrumental: true} → the MP3 bytes. A bed
 * must be instrumental (a voice goes over it). ElevenLabs composes 10 s to 5 min; a
 * shorter ask gets 10 s cut down, a longer one is looped, so the finished bed is always
 * the asked length. Errors are {detail: {status, message}} (bad_prompt, quota…), which
 * the shared classification reads.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ProviderHttp } from '@reelay/ai-providers';
import { AiMediaProvider } from '@reelay/contracts';
import type { JobContext } from '@reelay/runtime';
import { runChild } from '../voice/run-child.js';
import { fades, MUSIC_SAMPLE_RATE } from './loudness.js';
import type { MusicEngine, MusicRequest, RawBed } from './music-engine.js';

const MIN_LENGTH_MS = 10_000;
const MAX_LENGTH_MS = 300_000;

const MOOD_WORDS: Record<MusicRequest['mood'], string> = {
  friendly: 'warm, upbeat acoustic',
  energetic: 'driving, bright electronic pop',
  informative: 'light, curious corporate',
  serious: 'sober, steady ambient piano',
  humorous: 'playful, bouncy pizzicato',
  calm: 'soft, calm ambient',
  dramatic: 'tense, cinematic strings',
  mysterious: 'dark, mysterious synth',
};

export class ElevenLabsMusic implements MusicEngine {
  readonly provider = AiMediaProvider.elevenlabs;

  constructor(
    private readonly http: ProviderHttp,
    readonly model: string,
    private readonly pricePerMinuteUsd: number | undefined,
  ) {}

  async compose(request: MusicRequest, dir: string, ctx: JobContext): Promise<RawBed> {
    const prompt = request.prompt ?? defaultPrompt(request);
    const lengthMs = Math.min(MAX_LENGTH_MS, Math.max(MIN_LENGTH_MS, Math.round(request.durationSec * 1000)));
    ctx.progress(10, 'asking ElevenLabs for music');
    const response = await this.http.post({
      path: '/v1/music?output_format=mp3_44100_128',
      contentType: 'application/json',
      accept: 'audio/mpeg',
      signal: ctx.signal,
      attributes: { 'gen_ai.request.model': this.model, 'gen_ai.operation.name': 'music' },
      body: JSON.stringify({ prompt, music_length_ms: lengthMs, model_id: this.model, force_instrumental: true }),
    });
    const mp3 = path.join(dir, 'provider.mp3');
    await writeFile(mp3, Buffer.from(await response.arrayBuffer()));
    ctx.progress(60, 'fitting the music to length');
    const file = path.join(dir, 'bed.wav');
    const samples = Math.round(request.durationSec * MUSIC_SAMPLE_RATE);
    await runChild(ctx, 'ffmpeg', [
      ...['-hide_banner', '-nostdin', '-loglevel', 'error', '-y'],
      // Looped, so a bed longer than one composition keeps playing; atrim ends it.
      ...['-stream_loop', '-1', '-i', mp3],
      ...['-af', [`aresample=${MUSIC_SAMPLE_RATE}`, `atrim=end_sample=${samples}`, fades(request.durationSec, request.fadeSec)].join(',')],
      ...['-t', String(request.durationSec + 1), '-ac', '2', '-c:a', 'pcm_f32le', file],
    ]);
    const usage: RawBed['usage'] = { requests: 1, audioSeconds: lengthMs / 1000 };
    if (this.pricePerMinuteUsd !== undefined) usage.costUsd = Math.round((lengthMs / 60_000) * this.pricePerMinuteUsd * 1e6) / 1e6;
    return { file, prompt, usage };
  }
}

function defaultPrompt(request: MusicRequest): string {
  const tempo = request.tempoBpm ? ` at about ${request.tempoBpm} bpm` : '';
  return `${MOOD_WORDS[request.mood]} instrumental background music${tempo}, steady and unobtrusive, no vocals, to sit under a narrated short video`;
}
