import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import type { ArtifactRef } from '@reelay/contracts';
import type { ProjectArtifacts } from '@reelay/runtime';

/**
 * Artifacts as local HTTP URLs for ffmpeg and ffprobe, so a job reads its input straight
 * from the store while it encodes instead of downloading it first. One server per worker
 * process on 127.0.0.1 and a free port, started on first use. Each URL carries an
 * unguessable token for one artifact of one job, read through that job's project view
 * (`ctx.artifacts`), so it reaches nothing the job could not read itself. Ranges are
 * served (ffmpeg seeks with `Range: bytes=N-`), which S3 answers natively and the NATS
 * object store by skipping ahead.
 *
 * A registration lives as long as the job's temp directory: the runtime removes that
 * whatever the outcome, and a request or a new registration after that finds it gone.
 * Not a general file server: GET and HEAD of registered artifacts only.
 */

interface Registration {
  artifacts: ProjectArtifacts;
  ref: ArtifactRef;
  /** The job's temp directory; gone means the job is over. */
  jobDir: string;
}

const registrations = new Map<string, Registration>();
let listening: Promise<number> | undefined;

/** A URL ffmpeg can read `ref` from until the job's temp directory is removed. */
export async function artifactInputUrl(artifacts: ProjectArtifacts, ref: ArtifactRef, jobDir: string, fileName: string): Promise<string> {
  for (const [token, r] of registrations) if (!existsSync(r.jobDir)) registrations.delete(token);
  const port = await (listening ??= listen());
  const token = randomBytes(16).toString('hex');
  registrations.set(token, { artifacts, ref, jobDir });
  return `http://127.0.0.1:${port}/${token}/${encodeURIComponent(fileName)}`;
}

function listen(): Promise<number> {
  const server = http.createServer((req, res) => {
    serve(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  // Never holds the worker open on its own.
  server.unref();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

async function serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const token = req.url?.split('/')[1] ?? '';
  const reg = registrations.get(token);
  if (!reg || !existsSync(reg.jobDir)) {
    registrations.delete(token);
    res.writeHead(404).end();
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  const size = reg.ref.size;
  const range = requestedRange(req.headers.range, size);
  if (range === 'unsatisfiable') {
    res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
    return;
  }
  const headers = { 'accept-ranges': 'bytes', 'content-type': reg.ref.contentType };
  if (size === 0) {
    res.writeHead(200, { ...headers, 'content-length': 0 }).end();
    return;
  }
  const { start, end } = range ?? { start: 0, end: size - 1 };
  res.writeHead(range ? 206 : 200, {
    ...headers,
    'content-length': end - start + 1,
    ...(range ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}),
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const body = await reg.artifacts.openStream(reg.ref.id, range ? { start, end } : undefined);
  // ffmpeg closes the connection when it seeks: the store read stops with it.
  await pipeline(body, res).catch(() => body.destroy());
}

/** A single `bytes=a-b`, `bytes=a-` or `bytes=-n`; anything else is served whole. */
function requestedRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') return { start: Math.max(0, size - Number(m[2])), end: size - 1 };
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  return start >= size || end < start ? 'unsatisfiable' : { start, end };
}
