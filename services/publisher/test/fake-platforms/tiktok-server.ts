import { randomBytes } from 'node:crypto';
import { bearer, contentRange, type FakeServer, listen, PauseGate, sendJson } from './fake-http.js';

interface Upload {
  size: number;
  chunkSize: number;
  count: number;
  received: Set<number>;
  privacy: string;
  statusCalls: number;
}

const logId = () => randomBytes(10).toString('hex').toUpperCase();

/**
 * TikTok Content Posting API (direct post, FILE_UPLOAD) as documented: init checks the
 * chunk arithmetic (total_chunk_count = floor(video_size / chunk_size), the last chunk
 * takes the remainder; chunks at least `minChunkBytes` unless the video is one chunk),
 * PUTs answer 206 until every chunk is in, then 201; status/fetch walks
 * PROCESSING_UPLOAD → PUBLISH_COMPLETE. Errors come in `{error: {code, message, log_id}}`.
 * An unaudited client may only post SELF_ONLY, as on the real platform.
 */
export class FakeTiktok {
  readonly gate = new PauseGate();
  readonly chunkRanges: string[] = [];
  readonly uploads = new Map<string, Upload>();
  postsCreated = 0;
  private server!: FakeServer;

  constructor(private readonly minChunkBytes: number) {}

  get origin(): string {
    return this.server.origin;
  }

  async start(): Promise<this> {
    this.server = await listen((req, res, url, body) => {
      const fail = (status: number, code: string, message: string) =>
        sendJson(res, status, { data: {}, error: { code, message, log_id: logId() } });
      if (req.method === 'PUT' && url.pathname === '/upload/') {
        const upload = this.uploads.get(url.searchParams.get('upload_id') ?? '');
        if (!upload) return fail(404, 'invalid_params', 'upload_id not found');
        const range = contentRange(req.headers['content-range']);
        if (range?.start === undefined || range.total !== upload.size) return fail(400, 'invalid_params', 'Content-Range is invalid');
        const index = range.start / upload.chunkSize;
        const last = index === upload.count - 1;
        const expectedEnd = last ? upload.size - 1 : range.start + upload.chunkSize - 1;
        if (
          !Number.isInteger(index) ||
          index >= upload.count ||
          range.end !== expectedEnd ||
          body.length !== expectedEnd - range.start + 1
        ) {
          return fail(400, 'invalid_params', 'chunk does not match chunk_size');
        }
        if (this.gate.hold(res)) return;
        this.chunkRanges.push(`${range.start}-${range.end}`);
        upload.received.add(index);
        if (upload.received.size === upload.count) {
          res.writeHead(201, { 'content-length': 0 });
        } else {
          res.writeHead(206, { 'content-length': 0 });
        }
        return res.end();
      }
      if (bearer(req) !== 'valid-tiktok-token')
        return fail(401, 'access_token_invalid', 'The access token is invalid or not found in the request.');
      const json = JSON.parse(body.toString() || '{}');
      if (req.method === 'POST' && url.pathname === '/v2/post/publish/video/init/') {
        const src = json.source_info ?? {};
        if (json.post_info?.privacy_level !== 'SELF_ONLY') {
          return fail(403, 'unaudited_client_can_only_post_to_private_accounts', 'Unaudited clients can only post to private accounts.');
        }
        const { video_size: size, chunk_size: chunkSize, total_chunk_count: count } = src;
        const whole = count === 1 && chunkSize === size;
        if (src.source !== 'FILE_UPLOAD' || !(whole || (chunkSize >= this.minChunkBytes && count === Math.floor(size / chunkSize)))) {
          return fail(400, 'invalid_params', 'The chunk size or total chunk count is invalid.');
        }
        const id = randomBytes(6).toString('hex');
        this.uploads.set(id, { size, chunkSize, count, received: new Set(), privacy: json.post_info.privacy_level, statusCalls: 0 });
        return sendJson(res, 200, {
          data: {
            publish_id: `v_pub_file~v2-1.${id}`,
            upload_url: `${this.origin}/upload/?upload_id=${id}&upload_token=${randomBytes(8).toString('hex')}`,
          },
          error: { code: 'ok', message: '', log_id: logId() },
        });
      }
      if (req.method === 'POST' && url.pathname === '/v2/post/publish/status/fetch/') {
        const id =
          String(json.publish_id ?? '')
            .split('.')
            .pop() ?? '';
        const upload = this.uploads.get(id);
        if (!upload) return fail(400, 'invalid_publish_id', 'publish_id does not exist');
        upload.statusCalls += 1;
        let status = 'PROCESSING_UPLOAD';
        if (upload.received.size === upload.count) {
          if (upload.statusCalls === 1) status = 'PROCESSING_DOWNLOAD';
          else {
            status = 'PUBLISH_COMPLETE';
            if (!('done' in upload)) {
              Object.assign(upload, { done: true });
              this.postsCreated += 1;
            }
          }
        }
        return sendJson(res, 200, {
          data: { status, uploaded_bytes: upload.received.size * upload.chunkSize },
          error: { code: 'ok', message: '', log_id: logId() },
        });
      }
      return fail(404, 'not_found', 'Not Found');
    });
    return this;
  }

  close(): Promise<void> {
    this.gate.release();
    return this.server.close();
  }
}
