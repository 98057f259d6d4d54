/**
 * A local HTTP server (127.0.0.1, port 0) speaking the part of D-ID's API that ai.avatar
 * uses, as documented, with `Authorization: Basic <key>`:
 *   POST /images  multipart `image` (PNG/JPEG)        → 201 {id, url: "s3://…"}
 *   POST /audios  multipart `audio` (WAV/MP3)         → 201 {id, url: "s3://…", duration}
 *   POST /talks   {source_url, script, config}        → 201 {id, object: "talk", status: "created"}
 *   GET  /talks/{id}                                  → created, then started, then done with
 *                                                        result_url (a real MP4 made by ffmpeg)
 * A source image whose URL or upload name contains "no-face" ends `error` with D-ID's
 * FaceError, as the real service does when it finds no face. Validation failures answer
 * 400 {kind, description}; a bad key 401 {message: "Unauthorized"}; an unknown talk 404.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Seconds of video per character of a text script. */
export const DID_SECONDS_PER_CHAR = 0.06;

export interface DidRequest {
  method: string;
  path: string;
  /** JSON, or for multipart the file fields as {name, type, size}. */
  body: any;
}
interface Talk {
  id: string;
  polls: number;
  seconds: number;
  noFace: boolean;
  sourceUrl: string;
}
export interface DidServer {
  baseUrl: string;
  requests: DidRequest[];
  close(): Promise<void>;
}

async function talkMp4(seconds: number): Promise<Buffer> {
  const { stdout } = await run(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc2=s=256x256:r=25:d=${seconds}`],
      ...['-f', 'lavfi', '-i', `sine=f=200:d=${seconds}`, '-shortest', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'],
      ...['-c:a', 'aac', '-movflags', 'frag_keyframe+empty_moov', '-f', 'mp4', 'pipe:1'],
    ],
    { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

async function formData(req: IncomingMessage, raw: Buffer): Promise<FormData> {
  return new Response(raw, { headers: { 'content-type': String(req.headers['content-type'] ?? '') } }).formData();
}

export async function startDidServer(options: { apiKey: string }): Promise<DidServer> {
  const requests: DidRequest[] = [];
  const talks = new Map<string, Talk>();
  const uploads = new Map<string, { noFace: boolean; seconds?: number }>();
  const results = new Map<string, Buffer>();
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const invalid = (description: string) => json(400, { kind: 'ValidationError', description });
    const { port } = server.address() as AddressInfo;

    const result = /^\/results\/([\w-]+)\.mp4$/.exec(url.pathname);
    if (req.method === 'GET' && result) {
      // The pre-signed file URL: no Authorization wanted (S3 refuses one).
      if (req.headers.authorization) return res.writeHead(400).end('Only one auth mechanism allowed');
      const mp4 = results.get(result[1]!);
      return mp4 ? res.writeHead(200, { 'content-type': 'video/mp4' }).end(mp4) : res.writeHead(404).end();
    }
    if (req.headers.authorization !== `Basic ${options.apiKey}`) return json(401, { message: 'Unauthorized' });

    if (req.method === 'POST' && (url.pathname === '/images' || url.pathname === '/audios')) {
      const field = url.pathname === '/images' ? 'image' : 'audio';
      let form: FormData;
      try {
        form = await formData(req, raw);
      } catch {
        return invalid('expected multipart/form-data');
      }
      const file = form.get(field);
      if (!(file instanceof Blob)) return invalid(`"${field}" is required`);
      const name = (file as File).name ?? '';
      requests.push({ method: 'POST', path: url.pathname, body: { [field]: { name, type: file.type, size: file.size } } });
      const bytes = Buffer.from(await file.arrayBuffer());
      const id = randomUUID();
      if (field === 'image') {
        const png = bytes.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
        const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
        if (!png && !jpeg) return invalid('image must be a jpg or png file');
        uploads.set(id, { noFace: name.includes('no-face') });
        return json(201, { id, url: `s3://d-id-images-prod/user/${id}/${name}` });
      }
      if (bytes.subarray(0, 4).toString() !== 'RIFF' && bytes.subarray(0, 3).toString() !== 'ID3' && bytes[0] !== 0xff)
        return invalid('audio must be a wav, mp3 or m4a file');
      // 16-bit mono PCM at the rate in the header: bytes after the 44-byte header / 2 / rate.
      const seconds = bytes.subarray(0, 4).toString() === 'RIFF' ? (bytes.length - 44) / 2 / bytes.readUInt32LE(24) : 2;
      uploads.set(id, { noFace: false, seconds });
      return json(201, { id, url: `s3://d-id-audios-prod/user/${id}/${name}`, duration: seconds });
    }

    if (req.method === 'POST' && url.pathname === '/talks') {
      let body: any;
      try {
        body = JSON.parse(raw.toString());
      } catch {
        return invalid('body must be JSON');
      }
      requests.push({ method: 'POST', path: '/talks', body });
      const source = body.source_url;
      if (typeof source !== 'string' || !/^(https:|s3:)/.test(source)) return invalid('source_url must be an https or s3 url');
      const script = body.script;
      let seconds: number;
      if (script?.type === 'text') {
        if (typeof script.input !== 'string' || script.input.length < 3) return invalid('Failed to validate script');
        if (
          script.provider &&
          (script.provider.type !== 'microsoft' || !/^[a-z]{2}-[A-Z]{2}-\w+Neural$/.test(script.provider.voice_id ?? ''))
        )
          return invalid(`voice ${script.provider.voice_id} not found for provider ${script.provider.type}`);
        seconds = Math.max(1, script.input.length * DID_SECONDS_PER_CHAR);
      } else if (script?.type === 'audio') {
        const id = /^s3:\/\/d-id-audios-prod\/user\/([\w-]+)\//.exec(script.audio_url ?? '')?.[1];
        const audio = id ? uploads.get(id) : undefined;
        if (!audio) return invalid('audio_url must point to an uploaded audio');
        seconds = Math.max(1, audio.seconds ?? 2);
      } else return invalid('script.type must be text or audio');
      const imageId = /^s3:\/\/d-id-images-prod\/user\/([\w-]+)\//.exec(source)?.[1];
      const noFace = source.includes('no-face') || (imageId ? (uploads.get(imageId)?.noFace ?? false) : false);
      const talk: Talk = {
        id: `tlk_${randomUUID().slice(0, 12)}`,
        polls: 0,
        seconds: Math.round(seconds * 100) / 100,
        noFace,
        sourceUrl: source,
      };
      talks.set(talk.id, talk);
      return json(201, { id: talk.id, object: 'talk', created_by: 'test|user', created_at: new Date().toISOString(), status: 'created' });
    }

    const poll = /^\/talks\/([\w-]+)$/.exec(url.pathname);
    if (req.method === 'GET' && poll) {
      requests.push({ method: 'GET', path: url.pathname, body: undefined });
      const talk = talks.get(poll[1]!);
      if (!talk) return json(404, { kind: 'NotFoundError', description: 'talk not found' });
      talk.polls += 1;
      const base = { id: talk.id, object: 'talk', source_url: talk.sourceUrl, created_at: new Date().toISOString() };
      if (talk.polls === 1) return json(200, { ...base, status: 'created' });
      if (talk.polls === 2) return json(200, { ...base, status: 'started', started_at: new Date().toISOString() });
      if (talk.noFace)
        return json(200, { ...base, status: 'error', error: { kind: 'FaceError', description: 'Face not detected in the source image' } });
      if (!results.has(talk.id)) results.set(talk.id, await talkMp4(talk.seconds));
      return json(200, { ...base, status: 'done', duration: talk.seconds, result_url: `http://127.0.0.1:${port}/results/${talk.id}.mp4` });
    }
    return json(404, { kind: 'NotFoundError', description: `${req.method} ${url.pathname} not found` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
