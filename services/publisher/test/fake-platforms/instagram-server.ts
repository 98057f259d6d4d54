import { randomBytes } from 'node:crypto';
import { bearer, type FakeServer, listen, sendJson } from './fake-http.js';

interface Container {
  owner: string;
  status: 'IN_PROGRESS' | 'FINISHED' | 'ERROR' | 'PUBLISHED';
  message?: string;
  bytes: number;
}

/**
 * Instagram Graph API reels as documented: creating a container makes Instagram download
 * `video_url` itself (here: a real HTTP GET of the signed link), the container's
 * status_code goes IN_PROGRESS → FINISHED (or ERROR when the download fails), and
 * media_publish publishes a FINISHED container once. Errors: `{error: {message, type, code, fbtrace_id}}`.
 */
export class FakeInstagram {
  readonly containers = new Map<string, Container>();
  readonly downloadedBytes: number[] = [];
  postsCreated = 0;
  private server!: FakeServer;

  get origin(): string {
    return this.server.origin;
  }

  async start(): Promise<this> {
    const graphError = (status: number, code: number, message: string, type = 'OAuthException') => ({
      status,
      body: { error: { message, type, code, fbtrace_id: randomBytes(8).toString('hex') } },
    });
    this.server = await listen(async (req, res, url, body) => {
      const send = (e: { status: number; body: unknown }) => sendJson(res, e.status, e.body);
      if (bearer(req) !== 'valid-instagram-token')
        return send(graphError(400, 190, 'Invalid OAuth access token - Cannot parse access token'));
      const parts = url.pathname.split('/').filter(Boolean);
      const json = body.length ? JSON.parse(body.toString()) : {};
      if (req.method === 'POST' && parts.length === 2 && parts[1] === 'media') {
        if (json.media_type !== 'REELS' || typeof json.video_url !== 'string') {
          return send(graphError(400, 100, '(#100) The parameter video_url is required', 'GraphMethodException'));
        }
        const id = String(Date.now()) + randomBytes(2).readUInt16BE(0);
        const container: Container = { owner: parts[0] as string, status: 'IN_PROGRESS', bytes: 0 };
        this.containers.set(id, container);
        // Instagram fetches the video after answering.
        void fetch(json.video_url).then(
          async (r) => {
            const bytes = r.ok ? (await r.arrayBuffer()).byteLength : 0;
            this.downloadedBytes.push(bytes);
            if (r.ok && bytes > 0) Object.assign(container, { status: 'FINISHED', bytes });
            else
              Object.assign(container, {
                status: 'ERROR',
                message: `Error: Media download has failed. The media URI doesn't meet our requirements. (${r.status})`,
              });
          },
          () => Object.assign(container, { status: 'ERROR', message: 'Error: Media download has failed.' }),
        );
        return sendJson(res, 200, { id });
      }
      if (req.method === 'GET' && parts.length === 1) {
        const container = this.containers.get(parts[0] as string);
        if (!container) return send(graphError(400, 100, 'Unsupported get request.', 'GraphMethodException'));
        return sendJson(res, 200, {
          status_code: container.status,
          ...(container.message ? { status: container.message } : {}),
          id: parts[0],
        });
      }
      if (req.method === 'POST' && parts.length === 2 && parts[1] === 'media_publish') {
        const container = this.containers.get(String(json.creation_id));
        if (!container || container.owner !== parts[0]) return send(graphError(400, 100, 'Invalid parameter', 'GraphMethodException'));
        if (container.status !== 'FINISHED') return send(graphError(400, 9007, 'Media ID is not available', 'OAuthException'));
        container.status = 'PUBLISHED';
        this.postsCreated += 1;
        return sendJson(res, 200, { id: `179${randomBytes(6).readUIntBE(0, 6)}` });
      }
      return send(graphError(400, 100, 'Unknown path components', 'GraphMethodException'));
    });
    return this;
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
