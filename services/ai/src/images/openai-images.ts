/**
 * OpenAI-compatible image generation: POST {base}/images/generations with
 * {model, prompt, n: 1, size, response_format?} → {created, data: [{b64_json | url,
 * revised_prompt?}], usage?}. OpenAI, Azure-style gateways and self-hosted servers
 * (LocalAI, vLLM-based) speak it. gpt-image-* models always answer b64_json and refuse
 * `response_format`, so it is only sent to other models (or when configured). The
 * picture comes back in one of the model's fixed sizes; ffmpeg crops it to the asked
 * width × height (cover), so callers always get what they asked for.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ProviderHttp } from '@reelay/ai-providers';
import { AiMediaProvider, ErrorCode } from '@reelay/contracts';
import { type JobContext, TransientError } from '@reelay/runtime';
import { z } from 'zod';
import { downloadResultFile } from '../providers/result-file-download.js';
import { runChild } from '../voice/run-child.js';
import type { DrawnImage, ImageEngine, ImageRequest } from './image-engine.js';

export interface OpenAiImagesOptions {
  model: string;
  /** `WIDTHxHEIGHT` as the model takes it (gpt-image-1: 1024x1536 portrait). */
  size: string;
  /** `auto`: omitted for gpt-image-* models, b64_json for the others. */
  responseFormat: 'auto' | 'b64_json' | 'url';
  /** For downloading a `url` answer. */
  timeoutMs: number;
  /** With it the result records a cost (images are priced per picture). */
  pricePerImageUsd?: number | undefined;
}

const ImagesResponse = z.object({
  created: z.number().optional(),
  data: z
    .array(z.object({ b64_json: z.string().min(1).optional(), url: z.string().optional(), revised_prompt: z.string().optional() }))
    .min(1),
  usage: z
    .object({ input_tokens: z.number().optional(), output_tokens: z.number().optional(), total_tokens: z.number().optional() })
    .optional(),
});

export class OpenAiImages implements ImageEngine {
  readonly provider = AiMediaProvider.openaiCompatible;

  constructor(
    private readonly http: ProviderHttp,
    private readonly options: OpenAiImagesOptions,
  ) {}

  get model(): string {
    return this.options.model;
  }

  async draw(request: ImageRequest, dir: string, ctx: JobContext): Promise<DrawnImage> {
    const body: Record<string, unknown> = { model: this.options.model, prompt: request.prompt, n: 1, size: this.options.size };
    const format = this.responseFormat();
    if (format) body.response_format = format;
    ctx.progress(10, 'asking the image provider');
    const response = await this.http.post({
      path: '/images/generations',
      contentType: 'application/json',
      accept: 'application/json',
      signal: ctx.signal,
      attributes: { 'gen_ai.request.model': this.options.model, 'gen_ai.operation.name': 'image_generation' },
      body: JSON.stringify(body),
    });
    const parsed = ImagesResponse.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) throw malformed(this.http.name, 'the answer is not an images response');
    const image = parsed.data.data[0]!;
    const raw = path.join(dir, 'provider-image');
    if (image.b64_json) await writeFile(raw, Buffer.from(image.b64_json, 'base64'));
    else if (image.url)
      await downloadResultFile({
        http: this.http,
        url: image.url,
        file: raw,
        ctx,
        timeoutMs: this.options.timeoutMs,
        what: 'the image URL',
      });
    else throw malformed(this.http.name, 'the answer has neither b64_json nor url');
    ctx.progress(70, 'fitting the picture');
    const file = path.join(dir, 'image.png');
    await fitTo(ctx, raw, file, request.width, request.height);
    const u = parsed.data.usage;
    const usage: DrawnImage['usage'] = { requests: 1 };
    if (u?.input_tokens !== undefined) usage.promptTokens = u.input_tokens;
    if (u?.output_tokens !== undefined) usage.completionTokens = u.output_tokens;
    if (u?.total_tokens !== undefined) usage.totalTokens = u.total_tokens;
    if (this.options.pricePerImageUsd !== undefined) usage.costUsd = this.options.pricePerImageUsd;
    const out: DrawnImage = { file, usage };
    if (image.revised_prompt) out.revisedPrompt = image.revised_prompt;
    return out;
  }

  private responseFormat(): 'b64_json' | 'url' | undefined {
    if (this.options.responseFormat !== 'auto') return this.options.responseFormat;
    return /^gpt-image/.test(this.options.model) ? undefined : 'b64_json';
  }
}

/** Scales to cover width × height and crops the middle: any input format ffmpeg reads → PNG. */
export async function fitTo(ctx: JobContext, input: string, output: string, width: number, height: number): Promise<void> {
  await runChild(ctx, 'ffmpeg', [
    ...['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-i', input],
    ...['-vf', `scale=${width}:${height}:force_original_aspect_ratio=increase:flags=lanczos,crop=${width}:${height}`],
    ...['-frames:v', '1', '-update', '1', '-c:v', 'png', output],
  ]);
}

function malformed(provider: string, what: string): Error {
  // A garbled answer may be a proxy's hiccup: worth another attempt.
  return new TransientError(`${provider}: ${what}`, { code: ErrorCode.PROVIDER_ERROR });
}
