import { randomBytes } from 'node:crypto';
import { bearer, contentRange, type FakeServer, listen, PauseGate, refreshGrant, sendJson } from './fake-http.js';

interface Session {
  total: number;
  received: number;
  metadata: { snippet?: { title?: string } };
  videoId?: string;
}

/**
 * YouTube Data API v3 resumable uploads, as Google documents them: the session POST
 * answers with a Location, chunk PUTs answer 308 with `Range: bytes=0-N` until the last,
 * which answers 200 with the video resource; `Content-Range: bytes *\/total` asks where the
 * upload is. Tokens: `valid` works, anything else is 401 until refreshed at /token.
 */
export class FakeYoutube {
  readonly gate = new PauseGate();
  /** Every chunk's first byte, in arrival order: a restart would show a second 0. */
  readonly chunkOffsets: number[] = [];
  readonly sessions = new Map<string, Session>();
  videosCreated = 0;
  refreshes = 0;
  /** Answers to hand out to the next session POSTs instead of a session (429s, 400s). */
  readonly scriptedInit: Array<{ status: number; body: unknown; headers?: Record<string, string> }> = [];
  private readonly tokens = new Set(['valid-youtube-token']);
  private server!: FakeServer;

  get origin(): string {
    return this.server.origin;
  }

  async start(): Promise<this> {
    this.server = await listen((req, res, url, body) => {
      if (req.method === 'POST' && url.pathname === '/token') {
        this.refreshes += 1;
        this.tokens.add('refreshed-youtube-token');
        return refreshGrant(res, body, {
          refreshToken: 'yt-refresh',
          clientParam: 'client_id',
          clientId: 'yt-client',
          issue: 'refreshed-youtube-token',
        });
      }
      if (url.pathname !== '/upload/youtube/v3/videos') return sendJson(res, 404, { error: { code: 404, message: 'Not Found' } });
      if (!this.tokens.has(bearer(req) ?? '')) {
        return sendJson(res, 401, {
          error: { code: 401, message: 'Request had invalid authentication credentials.', errors: [{ reason: 'authError' }] },
        });
      }
      const uploadId = url.searchParams.get('upload_id');
      if (req.method === 'POST' && url.searchParams.get('uploadType') === 'resumable' && !uploadId) {
        const scripted = this.scriptedInit.shift();
        if (scripted) return sendJson(res, scripted.status, scripted.body, scripted.headers);
        const metadata = JSON.parse(body.toString() || '{}');
        const total = Number(req.headers['x-upload-content-length']);
        if (!metadata.snippet?.title) {
          return sendJson(res, 400, { error: { code: 400, message: "'snippet.title' is required", errors: [{ reason: 'invalidTitle' }] } });
        }
        const id = randomBytes(8).toString('hex');
        this.sessions.set(id, { total, received: 0, metadata });
        res.writeHead(200, {
          location: `${this.origin}/upload/youtube/v3/videos?uploadType=resumable&upload_id=${id}`,
          'content-length': 0,
        });
        return res.end();
      }
      const session = uploadId ? this.sessions.get(uploadId) : undefined;
      if (req.method !== 'PUT' || !session) return sendJson(res, 404, { error: { code: 404, message: 'Upload session not found' } });
      const range = contentRange(req.headers['content-range']);
      if (!range || range.total !== session.total) return sendJson(res, 400, { error: { code: 400, message: 'Invalid Content-Range' } });
      if (range.start === undefined) return this.answer(res, session);
      if (this.gate.hold(res)) return;
      if (range.start !== session.received || body.length !== (range.end as number) - range.start + 1) {
        return sendJson(res, 400, { error: { code: 400, message: `Invalid chunk: expected offset ${session.received}` } });
      }
      this.chunkOffsets.push(range.start);
      session.received += body.length;
      if (session.received === session.total && !session.videoId) {
        session.videoId = `yt${randomBytes(5).toString('hex')}`;
        this.videosCreated += 1;
      }
      return this.answer(res, session);
    });
    return this;
  }

  private answer(res: import('node:http').ServerResponse, session: Session): void {
    if (session.videoId) {
      sendJson(res, 200, {
        kind: 'youtube#video',
        id: session.videoId,
        snippet: session.metadata.snippet,
        status: { uploadStatus: 'uploaded' },
      });
      return;
    }
    res.writeHead(308, session.received > 0 ? { range: `bytes=0-${session.received - 1}`, 'content-length': 0 } : { 'content-length': 0 });
    res.end();
  }

  close(): Promise<void> {
    this.gate.release();
    return this.server.close();
  }
}
