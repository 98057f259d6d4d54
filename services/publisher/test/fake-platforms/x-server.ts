import { randomBytes } from 'node:crypto';
import { bearer, type FakeServer, listen, sendJson } from './fake-http.js';

interface Media {
  total: number;
  type: string;
  segments: Map<number, number>;
  finalized: boolean;
  statusCalls: number;
}

/**
 * X media upload (media/upload.json: INIT, APPEND as multipart, FINALIZE, STATUS) and
 * POST /2/tweets, as documented: FINALIZE answers processing_info {state: pending,
 * check_after_secs}; STATUS then reports succeeded; a post may attach a media id once it
 * has processed. v1.1 errors are `{errors: [{code, message}]}`, v2 ones `{title, detail}`.
 */
export class FakeX {
  readonly media = new Map<string, Media>();
  readonly appendedSegments: number[] = [];
  readonly posts: Array<{ id: string; text?: string; mediaIds: string[] }> = [];
  private server!: FakeServer;

  get origin(): string {
    return this.server.origin;
  }

  async start(): Promise<this> {
    this.server = await listen(async (req, res, url, body) => {
      if (bearer(req) !== 'valid-x-token')
        return sendJson(res, 401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
      if (url.pathname === '/1.1/media/upload.json') {
        const form =
          req.method === 'GET'
            ? url.searchParams
            : await new Response(body, { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData();
        const command = form.get('command');
        const v1Error = (message: string, code = 324) => sendJson(res, 400, { errors: [{ code, message }] });
        if (command === 'INIT') {
          if (form.get('media_category') !== 'tweet_video') return v1Error('media_category must be tweet_video for videos');
          const id = String(BigInt(`0x${randomBytes(7).toString('hex')}`));
          this.media.set(id, {
            total: Number(form.get('total_bytes')),
            type: String(form.get('media_type')),
            segments: new Map(),
            finalized: false,
            statusCalls: 0,
          });
          return sendJson(res, 202, { media_id: Number(id), media_id_string: id, expires_after_secs: 86_400 });
        }
        const media = this.media.get(String(form.get('media_id')));
        if (!media) return v1Error('Invalid or expired media_id', 324);
        if (command === 'APPEND') {
          const segment = Number(form.get('segment_index'));
          const blob = form.get('media');
          if (!(blob instanceof Blob)) return v1Error('media parameter is missing', 38);
          this.appendedSegments.push(segment);
          media.segments.set(segment, blob.size);
          res.writeHead(204);
          return res.end();
        }
        if (command === 'FINALIZE') {
          const bytes = [...media.segments.values()].reduce((a, b) => a + b, 0);
          if (bytes !== media.total) return v1Error(`File size mismatch: expected ${media.total}, received ${bytes}`, 324);
          media.finalized = true;
          return sendJson(res, 201, {
            media_id_string: String(form.get('media_id')),
            size: bytes,
            processing_info: { state: 'pending', check_after_secs: 1 },
          });
        }
        if (command === 'STATUS') {
          media.statusCalls += 1;
          return sendJson(res, 200, {
            media_id_string: String(form.get('media_id')),
            processing_info: { state: 'succeeded', progress_percent: 100 },
          });
        }
        return v1Error('Unknown command', 44);
      }
      if (req.method === 'POST' && url.pathname === '/2/tweets') {
        const json = JSON.parse(body.toString() || '{}');
        const ids: string[] = json.media?.media_ids ?? [];
        if (ids.some((id) => !this.media.get(id)?.finalized || this.media.get(id)?.statusCalls === 0)) {
          return sendJson(res, 400, {
            title: 'Invalid Request',
            detail: 'Your media IDs are invalid.',
            type: 'https://api.twitter.com/2/problems/invalid-request',
          });
        }
        const id = String(BigInt(`0x${randomBytes(7).toString('hex')}`));
        this.posts.push({ id, text: json.text, mediaIds: ids });
        return sendJson(res, 201, { data: { id, text: json.text ?? '' } });
      }
      if (req.method === 'GET' && url.pathname === '/2/users/me') return sendJson(res, 200, { data: { id: '42', username: 'reelay' } });
      if (req.method === 'GET' && url.pathname === '/2/users/42/tweets') {
        return sendJson(res, 200, {
          data: this.posts.map((p) => ({ id: p.id, text: p.text ?? '', attachments: { media_keys: p.mediaIds.map((m) => `7_${m}`) } })),
        });
      }
      return sendJson(res, 404, { title: 'Not Found Error', detail: 'Not found' });
    });
    return this;
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
