/**
 * D-ID talks: a portrait and a script → a talking-head MP4.
 *   POST /images  (multipart `image`)  → {id, url}      when the portrait is an artifact
 *   POST /audios  (multipart `audio`)  → {id, url}      when the script is a voice track
 *   POST /talks   {source_url, script: {type: text, input, provider} | {type: audio, audio_url}, config}
 *                                      → 201 {id, status: "created"}
 *   GET  /talks/{id}                   → {status: created | started | done | error | rejected, result_url, duration, error}
 * then the result_url (a pre-signed file URL, fetched without our key). Auth is
 * `Authorization: Basic <key>` with the key as D-ID's Studio issues it. A talk that ends
 * `error` (no face found…) or `rejected` (moderation) fails the job permanently with
 * D-ID's own description; a long render keeps the job alive through progress reports.
 */
import { openAsBlob } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProviderHttp } from '@reelay/ai-providers';
import { AiMediaProvider, ErrorCode } from '@reelay/contracts';
import { type JobContext, PermanentError, TransientError } from '@reelay/runtime';
import { z } from 'zod';
import { downloadResultFile } from '../providers/result-file-download.js';
import type { AvatarEngine, AvatarRequest, RenderedAvatar } from './avatar-engine.js';

export interface DidTalksOptions {
  /** Microsoft voice for text scripts when a job names none. */
  defaultVoice: string;
  pollIntervalMs: number;
  /** For downloading the result. */
  timeoutMs: number;
}

const Upload = z.object({ id: z.string().optional(), url: z.string().min(1) });
const Created = z.object({ id: z.string().min(1), status: z.string().optional() });
const Talk = z.object({
  id: z.string(),
  status: z.enum(['created', 'started', 'done', 'error', 'rejected']),
  result_url: z.string().optional(),
  duration: z.number().optional(),
  error: z.object({ kind: z.string().optional(), description: z.string().optional() }).passthrough().optional(),
});

export class DidTalks implements AvatarEngine {
  readonly provider = AiMediaProvider.did;
  readonly model = 'talks';

  constructor(
    private readonly http: ProviderHttp,
    private readonly options: DidTalksOptions,
  ) {}

  async render(request: AvatarRequest, dir: string, ctx: JobContext): Promise<RenderedAvatar> {
    let requests = 0;
    const json = async <T>(response: Response, schema: z.ZodType<T>, what: string): Promise<T> => {
      requests += 1;
      const parsed = schema.safeParse(await response.json().catch(() => undefined));
      if (!parsed.success) throw new TransientError(`${this.http.name}: ${what} answer is malformed`, { code: ErrorCode.PROVIDER_ERROR });
      return parsed.data;
    };

    let sourceUrl = request.imageUrl;
    if (request.imageFile) {
      ctx.progress(5, 'uploading the portrait');
      const form = new FormData();
      form.append('image', await openAsBlob(request.imageFile.path, { type: request.imageFile.contentType }), request.imageFile.name);
      sourceUrl = (
        await json(
          await this.http.post({ path: '/images', body: form, accept: 'application/json', signal: ctx.signal }),
          Upload,
          'image upload',
        )
      ).url;
    }
    let script: Record<string, unknown>;
    if (request.audioFile) {
      ctx.progress(10, 'uploading the voice track');
      const form = new FormData();
      form.append('audio', await openAsBlob(request.audioFile.path, { type: request.audioFile.contentType }), request.audioFile.name);
      const audio = await json(
        await this.http.post({ path: '/audios', body: form, accept: 'application/json', signal: ctx.signal }),
        Upload,
        'audio upload',
      );
      script = { type: 'audio', audio_url: audio.url };
    } else {
      script = { type: 'text', input: request.text, provider: { type: 'microsoft', voice_id: request.voice ?? this.options.defaultVoice } };
    }

    const created = await json(
      await this.http.post({
        path: '/talks',
        contentType: 'application/json',
        accept: 'application/json',
        signal: ctx.signal,
        attributes: { 'gen_ai.operation.name': 'talk' },
        body: JSON.stringify({ source_url: sourceUrl, script, config: { result_format: 'mp4', stitch: true } }),
      }),
      Created,
      'talk creation',
    );
    ctx.progress(15, `D-ID talk ${created.id} created`);

    // Poll until the render settles; the job's soft limit (its AbortSignal) bounds the wait.
    let talk: z.infer<typeof Talk>;
    for (let polls = 0; ; polls++) {
      talk = await json(
        await this.http.get({
          path: `/talks/${encodeURIComponent(created.id)}`,
          accept: 'application/json',
          signal: ctx.signal,
          outsideBudget: true,
        }),
        Talk,
        'talk status',
      );
      if (talk.status === 'done') break;
      if (talk.status === 'error' || talk.status === 'rejected') {
        const why = talk.error?.description ?? talk.error?.kind ?? 'no reason given';
        throw new PermanentError(`${this.http.name}: talk ${created.id} ended ${talk.status}: ${why}`, {
          code: ErrorCode.PROVIDER_ERROR,
          details: { status: talk.status, kind: talk.error?.kind },
        });
      }
      ctx.progress(Math.min(80, 20 + polls * 2), `D-ID talk ${talk.status}`);
      await sleep(this.options.pollIntervalMs, undefined, { signal: ctx.signal });
    }
    if (!talk.result_url)
      throw new TransientError(`${this.http.name}: talk ${created.id} is done but has no result_url`, { code: ErrorCode.PROVIDER_ERROR });

    ctx.progress(85, 'downloading the video');
    const file = path.join(dir, 'avatar.mp4');
    await downloadResultFile({
      http: this.http,
      url: talk.result_url,
      file,
      ctx,
      timeoutMs: this.options.timeoutMs,
      what: 'the result URL',
    });
    const usage: RenderedAvatar['usage'] = { requests };
    if (talk.duration !== undefined) usage.audioSeconds = talk.duration;
    return { file, providerJobId: created.id, usage };
  }
}
