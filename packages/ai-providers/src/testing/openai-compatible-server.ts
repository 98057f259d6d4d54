/**
 * A local HTTP server (127.0.0.1, port 0) that speaks the parts of the OpenAI API the ai
 * and books services use, with the real request and response shapes:
 *   POST /v1/chat/completions     response_format json_schema (strict schemas checked as the
 *                                 API does) → an instance of the schema, usage; for the
 *                                 `book_part` schema, a part written from the prompt's
 *                                 <passage> elements, as a model following it would, and
 *                                 for `book_outline` the prompt's <chapter> elements worded
 *   POST /v1/audio/speech         → audio/wav bytes, SPEECH_SECONDS_PER_CHAR long
 *   POST /v1/audio/transcriptions multipart, verbose_json with words and segments
 * Bearer auth, errors as {error:{message,type,code}}. Tests queue scripted answers per
 * path (a 429 with Retry-After, a 400, an invalid JSON completion) ahead of the defaults,
 * and read back every request the service made.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const SPEECH_SECONDS_PER_CHAR = 0.05;

export interface RecordedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  /** Parsed JSON, or the multipart fields (files as {name, type, size}). */
  body: any;
}

export interface ScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  json?: unknown;
}

export interface OpenAiCompatibleServer {
  /** Base URL with /v1, as clients take it. */
  baseUrl: string;
  requests: RecordedRequest[];
  /** Answers the next request to `path` with `response` instead of the default. */
  enqueue(path: string, ...responses: ScriptedResponse[]): void;
  close(): Promise<void>;
}

export function chatCompletion(content: string, usage = { prompt_tokens: 120, completion_tokens: 80 }) {
  return {
    status: 200,
    json: {
      id: `chatcmpl-${Math.random().toString(36).slice(2)}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: 'local-model-1',
      choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop' }],
      usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
    },
  };
}

export function apiError(
  status: number,
  message: string,
  type: string,
  code: string | null,
  headers?: Record<string, string>,
): ScriptedResponse {
  return { status, json: { error: { message, type, param: null, code } }, ...(headers ? { headers } : {}) };
}

export async function startOpenAiCompatibleServer(options: { apiKey: string; transcript: string }): Promise<OpenAiCompatibleServer> {
  const requests: RecordedRequest[] = [];
  const scripted = new Map<string, ScriptedResponse[]>();
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const send = (r: ScriptedResponse | { status: number; headers: Record<string, string>; bytes: Buffer }) => {
      if ('bytes' in r) {
        res.writeHead(r.status, r.headers).end(r.bytes);
        return;
      }
      res.writeHead(r.status, { 'content-type': 'application/json', ...r.headers }).end(JSON.stringify(r.json ?? {}));
    };
    let body: any;
    try {
      body = (req.headers['content-type'] ?? '').startsWith('multipart/form-data')
        ? await formFields(req, raw)
        : JSON.parse(raw.toString() || '{}');
    } catch {
      return send(apiError(400, 'We could not parse the JSON body of your request.', 'invalid_request_error', null));
    }
    requests.push({ path, headers: req.headers, body });
    const queued = scripted.get(path)?.shift();
    if (queued) return send(queued);
    if (req.headers.authorization !== `Bearer ${options.apiKey}`) {
      return send(apiError(401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key'));
    }
    if (req.method !== 'POST') return send(apiError(405, 'Method not allowed', 'invalid_request_error', null));
    if (path === '/v1/chat/completions') return send(chat(body));
    if (path === '/v1/audio/speech') return send(speech(body));
    if (path === '/v1/audio/transcriptions') return send(transcription(body, options.transcript));
    return send(apiError(404, `Unknown request URL: POST ${path}.`, 'invalid_request_error', 'unknown_url'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    enqueue(path, ...responses) {
      scripted.set(path, [...(scripted.get(path) ?? []), ...responses]);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function chat(body: any): ScriptedResponse {
  if (typeof body.model !== 'string' || !Array.isArray(body.messages) || body.messages.length === 0) {
    return apiError(400, "'model' and 'messages' are required properties.", 'invalid_request_error', null);
  }
  const format = body.response_format;
  if (format?.type !== 'json_schema' || typeof format.json_schema?.schema !== 'object' || !format.json_schema.name) {
    return apiError(400, "Invalid 'response_format': expected json_schema with name and schema.", 'invalid_request_error', null);
  }
  const { name, schema, strict } = format.json_schema;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) {
    return apiError(400, `Invalid 'response_format.json_schema.name': '${name}'.`, 'invalid_request_error', 'invalid_value');
  }
  if (strict !== undefined && typeof strict !== 'boolean') {
    return apiError(400, "Invalid type for 'response_format.json_schema.strict': expected a boolean.", 'invalid_request_error', null);
  }
  const problem = strict ? strictSchemaProblem(schema, '()') : undefined;
  if (problem) {
    return apiError(400, `Invalid schema for response_format '${name}': ${problem}`, 'invalid_request_error', 'invalid_json_schema');
  }
  const prompt = body.messages.map((m: { content: string }) => String(m.content)).join('\n');
  const content = JSON.stringify(
    name === 'book_part' ? bookPart(prompt) : name === 'book_outline' ? bookOutline(prompt) : instanceOf(schema, name),
  );
  const promptChars = body.messages.reduce((n: number, m: { content: string }) => n + String(m.content).length, 0);
  return chatCompletion(content, { prompt_tokens: Math.ceil(promptChars / 4), completion_tokens: Math.ceil(content.length / 4) });
}

/**
 * Structured outputs' strict-mode rules the API enforces before answering: every object
 * sets `additionalProperties: false` and lists every property in `required`.
 */
function strictSchemaProblem(schema: any, context: string): string | undefined {
  if (!schema || typeof schema !== 'object') return undefined;
  if (schema.type === 'object') {
    if (schema.additionalProperties !== false) {
      return `In context=${context}, 'additionalProperties' is required to be supplied and to be false.`;
    }
    const keys = Object.keys(schema.properties ?? {});
    const required = new Set<string>(schema.required ?? []);
    const missing = keys.find((k) => !required.has(k));
    if (missing)
      return `In context=${context}, 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing}'.`;
    for (const key of keys) {
      const p = strictSchemaProblem(schema.properties[key], `('properties', '${key}')`);
      if (p) return p;
    }
  }
  if (schema.type === 'array') return strictSchemaProblem(schema.items, `${context}, 'items'`);
  for (const alt of schema.anyOf ?? []) {
    const p = strictSchemaProblem(alt, `${context}, 'anyOf'`);
    if (p) return p;
  }
  return undefined;
}

/**
 * What a model that follows the books prompt writes: sentences of the prompt's
 * `<passage source="ID">…</passage>` elements in order (those under 40 words, as the
 * prompt asks), up to three to a paragraph, each paragraph citing its passage with its
 * first sentence verbatim, until the target ("about N words") is met within 5%; two
 * sections.
 */
function bookPart(prompt: string) {
  const target = Number(/about (\d+) words/.exec(prompt)?.[1] ?? 300);
  const title = /<title>([^<]*)<\/title>/.exec(prompt)?.[1]?.trim() || 'Untitled';
  const paragraphs: { text: string; citations: { sourceId: string; quote: string }[] }[] = [];
  let words = 0;
  for (const [, sourceId, text] of prompt.matchAll(/<passage source="([^"]+)">([\s\S]*?)<\/passage>/g)) {
    let taken: string[] = [];
    const flush = () => {
      if (taken.length) paragraphs.push({ text: taken.join(' '), citations: [{ sourceId: sourceId!, quote: taken[0]! }] });
      taken = [];
    };
    for (const sentence of text!.trim().split(/(?<=[.!?])\s+/)) {
      const n = sentence.split(/\s+/).length;
      if (words >= target * 0.95) break;
      if (n > 40 || words + n > target * 1.05) continue;
      taken.push(sentence);
      words += n;
      if (taken.length === 3) flush();
    }
    flush();
    if (words >= target * 0.95) break;
  }
  const half = Math.max(1, Math.ceil(paragraphs.length / 2));
  const sections = [
    { heading: `${title}: the beginning`, paragraphs: paragraphs.slice(0, half) },
    { heading: `${title}: what followed`, paragraphs: paragraphs.slice(half) },
  ].filter((s) => s.paragraphs.length > 0);
  return { sections };
}

/** The books outline prompt answered: each `<chapter number=…>` titled from its plan, summarised by its first passage sentence. */
function bookOutline(prompt: string) {
  const chapters = [...prompt.matchAll(/<chapter number="(\d+)"[^>]*>([\s\S]*?)<\/chapter>/g)].map(([, number, inner]) => {
    const planned = /Planned title: (.*)/.exec(inner!)?.[1]?.trim() || `Chapter ${number}`;
    const first =
      /<passage source="[^"]+">([\s\S]*?)<\/passage>/
        .exec(inner!)?.[1]
        ?.trim()
        .split(/(?<=[.!?])\s+/)[0] ?? '';
    return { number: Number(number), title: `${planned} (model)`, summary: first };
  });
  return { chapters };
}

/** What a model in strict structured-output mode returns: a value that fits the schema. */
function instanceOf(schema: any, name: string): unknown {
  switch (schema.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, sub] of Object.entries(schema.properties ?? {})) out[key] = instanceOf(sub, key);
      return out;
    }
    case 'array':
      return Array.from({ length: Math.max(schema.minItems ?? 0, 3) }, (_, i) => instanceOf(schema.items, `${name}${i + 1}`));
    case 'number':
    case 'integer':
      return Math.max(schema.minimum ?? 0, 8);
    case 'boolean':
      return true;
    default:
      return `model ${name}`;
  }
}

function speech(body: any) {
  if (typeof body.input !== 'string' || !body.input || typeof body.voice !== 'string' || typeof body.model !== 'string') {
    return apiError(400, "'input', 'model' and 'voice' are required.", 'invalid_request_error', null);
  }
  if (body.response_format !== 'wav') return apiError(400, 'This server only makes wav.', 'invalid_request_error', null);
  const seconds = (body.input.length * SPEECH_SECONDS_PER_CHAR) / (body.speed ?? 1);
  return { status: 200, headers: { 'content-type': 'audio/wav' }, bytes: toneWav(seconds) };
}

function transcription(body: any, transcript: string): ScriptedResponse {
  if (!body.file || body.file.size === 0 || typeof body.model !== 'string') {
    return apiError(400, "'file' and 'model' are required.", 'invalid_request_error', null);
  }
  if (body.response_format !== 'verbose_json') return { status: 200, json: { text: transcript } };
  // Words evenly spaced, 0.4 s each; one segment per sentence.
  const words: { word: string; start: number; end: number }[] = [];
  const segments: { id: number; start: number; end: number; text: string }[] = [];
  let t = 0;
  for (const [id, sentence] of transcript.split(/(?<=[.!?])\s+/).entries()) {
    const start = t;
    for (const w of sentence.split(/\s+/)) {
      words.push({ word: w.replace(/[.,!?]/g, ''), start: round(t), end: round(t + 0.35) });
      t += 0.4;
    }
    segments.push({ id, start: round(start), end: round(t - 0.05), text: ` ${sentence}` });
  }
  const wantsWords = [].concat(body['timestamp_granularities[]'] ?? []).includes('word' as never);
  return {
    status: 200,
    json: {
      task: 'transcribe',
      language: 'english',
      duration: round(t),
      text: transcript,
      segments,
      ...(wantsWords ? { words } : {}),
      usage: { type: 'duration', seconds: Math.ceil(t) },
    },
  };
}

/** Multipart fields through the WHATWG parser Node ships (undici). */
async function formFields(req: IncomingMessage, raw: Buffer): Promise<Record<string, unknown>> {
  const form = await new Request('http://127.0.0.1/', {
    method: 'POST',
    headers: { 'content-type': req.headers['content-type']! },
    body: raw,
  }).formData();
  const out: Record<string, unknown> = {};
  for (const [key, value] of form.entries()) {
    const v = typeof value === 'string' ? value : { name: (value as File).name, type: value.type, size: value.size };
    out[key] = key in out ? ([] as unknown[]).concat(out[key], v) : v;
  }
  return out;
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/** A 16-bit mono PCM WAV of a sine tone (24 kHz): audio bytes the speech endpoint returns. */
export function toneWav(seconds: number, sampleRate = 24_000, hz = 220): Buffer {
  const samples = Math.round(seconds * sampleRate);
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) data.writeInt16LE(Math.round(Math.sin((2 * Math.PI * hz * i) / sampleRate) * 8000), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}
