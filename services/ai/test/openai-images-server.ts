/**
 * A local HTTP server (127.0.0.1, port 0) speaking OpenAI's image generation endpoint as
 * documented: POST /v1/images/generations, Bearer auth, JSON {model, prompt, n, size,
 * quality?, response_format?, style?, user?…}. It checks what the API checks — unknown
 * fields, the model's sizes, n = 1 for dall-e-3, no response_format for gpt-image-1 (which
 * always answers b64_json) — and answers {created, data: [{b64_json | url,
 * revised_prompt?}], usage?} with a real PNG of the asked size (rendered with resvg).
 * `url` answers are served from /files/<id>.png. Errors are {error: {message, type,
 * param, code}}; tests queue scripted answers (a 429 with Retry-After, a content-policy
 * 400) ahead of the default.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Resvg } from '@resvg/resvg-js';

const SIZES: Record<string, string[]> = {
  'gpt-image-1': ['1024x1024', '1536x1024', '1024x1536', 'auto'],
  'dall-e-3': ['1024x1024', '1792x1024', '1024x1792'],
  'dall-e-2': ['256x256', '512x512', '1024x1024'],
};
const FIELDS = new Set([
  'model',
  'prompt',
  'n',
  'size',
  'quality',
  'response_format',
  'style',
  'user',
  'background',
  'output_format',
  'moderation',
  'output_compression',
]);

export interface ImagesRequest {
  headers: Record<string, string | string[] | undefined>;
  body: any;
}
export interface Scripted {
  status: number;
  headers?: Record<string, string>;
  json: unknown;
}
export interface OpenAiImagesServer {
  /** With /v1, as clients take it. */
  baseUrl: string;
  requests: ImagesRequest[];
  /** Files fetched through `url` answers. */
  downloads: string[];
  enqueue(...responses: Scripted[]): void;
  close(): Promise<void>;
}

export function imagesError(status: number, message: string, type: string, code: string | null, param: string | null = null): Scripted {
  return { status, json: { error: { message, type, param, code } } };
}

/** A plain PNG of the given size: a diagonal gradient, so a crop is visible. */
export function testPng(width: number, height: number): Buffer {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#1d3557"/><stop offset="1" stop-color="#e63946"/></linearGradient></defs><rect width="${width}" height="${height}" fill="url(#g)"/></svg>`;
  return new Resvg(svg, { font: { loadSystemFonts: false } }).render().asPng();
}

export async function startOpenAiImagesServer(options: { apiKey: string }): Promise<OpenAiImagesServer> {
  const requests: ImagesRequest[] = [];
  const downloads: string[] = [];
  const scripted: Scripted[] = [];
  const files = new Map<string, Buffer>();
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (s: Scripted) => res.writeHead(s.status, { 'content-type': 'application/json', ...s.headers }).end(JSON.stringify(s.json));
    const invalid = (message: string, param: string | null) => send(imagesError(400, message, 'invalid_request_error', null, param));
    const file = /^\/files\/([\w-]+)\.png$/.exec(url.pathname);
    if (req.method === 'GET' && file) {
      const png = files.get(file[1]!);
      if (!png) return res.writeHead(404).end();
      downloads.push(file[1]!);
      return res.writeHead(200, { 'content-type': 'image/png' }).end(png);
    }
    if (req.method !== 'POST' || url.pathname !== '/v1/images/generations')
      return send(imagesError(404, `Invalid URL (${req.method} ${url.pathname})`, 'invalid_request_error', null));
    if (req.headers.authorization !== `Bearer ${options.apiKey}`)
      return send(imagesError(401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key'));
    let body: any;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString());
    } catch {
      return invalid('We could not parse the JSON body of your request.', null);
    }
    requests.push({ headers: req.headers, body });
    const next = scripted.shift();
    if (next) return send(next);
    for (const key of Object.keys(body)) if (!FIELDS.has(key)) return invalid(`Unrecognized request argument supplied: ${key}`, key);
    const model = body.model ?? 'dall-e-2';
    const sizes = SIZES[model];
    if (!sizes) return send(imagesError(400, `The model '${model}' does not exist.`, 'invalid_request_error', 'model_not_found', 'model'));
    if (typeof body.prompt !== 'string' || body.prompt.length === 0) return invalid("Missing required parameter: 'prompt'.", 'prompt');
    const n = body.n ?? 1;
    if (!Number.isInteger(n) || n < 1 || n > 10) return invalid(`Invalid 'n': must be between 1 and 10.`, 'n');
    if (model === 'dall-e-3' && n !== 1) return invalid('You must provide n=1 for this model.', 'n');
    const size = body.size ?? (model === 'gpt-image-1' ? 'auto' : '1024x1024');
    if (!sizes.includes(size)) return invalid(`Invalid size '${size}'. Supported sizes are ${sizes.join(', ')}.`, 'size');
    if (model === 'gpt-image-1' && body.response_format !== undefined)
      return invalid("Unknown parameter: 'response_format'.", 'response_format');
    const format = body.response_format ?? (model === 'gpt-image-1' ? 'b64_json' : 'url');
    if (format !== 'url' && format !== 'b64_json') return invalid(`Invalid response_format '${format}'.`, 'response_format');
    const [w, h] = (size === 'auto' ? '1024x1536' : size).split('x').map(Number) as [number, number];
    const data = Array.from({ length: n }, () => {
      const png = testPng(w, h);
      const item: Record<string, string> = {};
      if (format === 'b64_json') item.b64_json = png.toString('base64');
      else {
        const id = randomUUID();
        files.set(id, png);
        const { port } = server.address() as AddressInfo;
        item.url = `http://127.0.0.1:${port}/files/${id}.png`;
      }
      if (model === 'dall-e-3') item.revised_prompt = `A detailed illustration: ${body.prompt}`;
      return item;
    });
    const answer: Record<string, unknown> = { created: Math.floor(Date.now() / 1000), data };
    if (model === 'gpt-image-1')
      answer.usage = {
        total_tokens: 4_260,
        input_tokens: 60,
        output_tokens: 4_200,
        input_tokens_details: { text_tokens: 60, image_tokens: 0 },
      };
    return send({ status: 200, json: answer });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    downloads,
    enqueue: (...responses) => scripted.push(...responses),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
