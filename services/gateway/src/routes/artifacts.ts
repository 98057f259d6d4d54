import { Transform, type Readable } from 'node:stream';
import { ArtifactRef, ArtifactUploadQuery } from '@reelay/contracts';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { canAccessProject, type Principal } from '../auth/api-keys.js';
import { projectFor } from '../auth/auth-plugin.js';
import type { AppDeps } from '../app-deps.js';
import { verifyArtifactLink } from '../artifacts/signed-links.js';
import { parseByteRange } from '../artifacts/byte-range.js';
import { HttpError } from '../http/http-error.js';

const IdParams = z.object({ id: z.string().regex(/^[A-Za-z0-9-]{8,64}$/, 'not an artifact id') });
const DownloadQuery = z.object({ expires: z.string().optional(), sig: z.string().optional() });

/**
 * Artifacts over HTTP. Uploads are streamed into the object store as they arrive (never
 * buffered whole) and cut off with 413 past ARTIFACT_MAX_BYTES; downloads stream back
 * with Range support, or — on the S3 backend — redirect to a presigned link to the bucket.
 * A signed link (expires + sig) downloads without an API key.
 */
export function artifactRoutes(deps: AppDeps) {
  return async (app: FastifyInstance) => {
    // Any content type: the body is the file, passed through as a stream.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));

    app.post(
      '/v1/artifacts',
      {
        config: { scope: 'jobs:write' },
        schema: {
          tags: ['artifacts'],
          operationId: 'uploadArtifact',
          summary: 'Upload a media file (raw body, streamed)',
          querystring: ArtifactUploadQuery,
          response: { 201: ArtifactRef },
        },
      },
      async (req, reply) => {
        const query = ArtifactUploadQuery.parse(req.query);
        const project = projectFor(req.principal, query.project);
        const max = deps.config.ARTIFACT_MAX_BYTES;
        const declared = Number(req.headers['content-length'] ?? 0);
        if (declared > max) throw new HttpError('PAYLOAD_TOO_LARGE', `artifact larger than ${max} bytes`);
        const contentType = (req.headers['content-type'] ?? 'application/octet-stream').split(';')[0]?.trim() ?? 'application/octet-stream';
        let seen = 0;
        const limiter = new Transform({
          transform(chunk: Buffer, _enc, cb) {
            seen += chunk.length;
            if (seen > max) cb(new HttpError('PAYLOAD_TOO_LARGE', `artifact larger than ${max} bytes`));
            else cb(null, chunk);
          },
        });
        // A request with no body (none sent, or Content-Length: 0) has no stream to read.
        const body = req.body as Readable | undefined;
        if (!body) throw new HttpError('INVALID_INPUT', 'no file: send it as the raw request body');
        body.on('error', (err) => limiter.destroy(err));
        const tooLarge = () => new HttpError('PAYLOAD_TOO_LARGE', `artifact larger than ${max} bytes`);
        // Past the limit the limiter fails the stream and the backend's put with it (an S3
        // multipart upload is aborted); the client hears 413 whichever error the put gives.
        const ref = await deps.artifacts
          .putStream(body.pipe(limiter), { name: query.name ?? 'upload', contentType, project })
          .catch((err: unknown) => {
            throw seen > max ? tooLarge() : err;
          });
        if (seen > max) {
          await deps.artifacts.delete(ref.id).catch(() => {});
          throw new HttpError('PAYLOAD_TOO_LARGE', `artifact larger than ${max} bytes`);
        }
        if (seen === 0) {
          // An empty file is no media: kept, it would only fail the job that reads it.
          await deps.artifacts.delete(ref.id).catch(() => {});
          throw new HttpError('INVALID_INPUT', 'the file is empty');
        }
        return reply.code(201).send(ref);
      },
    );

    app.get(
      '/v1/artifacts/:id',
      {
        // Public to the auth hook: a signed link needs no key; without one, the handler
        // asks for a jobs:read key itself.
        config: { public: true },
        schema: {
          tags: ['artifacts'],
          operationId: 'downloadArtifact',
          summary: 'Download an artifact (Range supported; signed links need no key)',
          params: IdParams,
          querystring: DownloadQuery,
        },
      },
      async (req, reply) => {
        const { id } = IdParams.parse(req.params);
        const query = DownloadQuery.parse(req.query);
        const signed = query.expires !== undefined && query.sig !== undefined;
        let principal: Principal | undefined;
        if (signed) {
          const secret = deps.config.PUBLIC_LINK_SECRET;
          if (!secret || !verifyArtifactLink(secret, id, query.expires ?? '', query.sig ?? '')) {
            throw new HttpError('FORBIDDEN', 'the link is invalid or has expired');
          }
        } else {
          principal = app.authenticate(req, 'jobs:read');
        }
        // Looked up only once the caller is known; another project's artifact is not found.
        const ref = await deps.artifacts.info(id);
        if (!ref || (principal && !canAccessProject(principal, ref.project))) throw new HttpError('NOT_FOUND', `artifact ${id} not found`);
        // On S3 the bucket serves the bytes (Range included): a short-lived presigned GET,
        // handed out only past the checks above.
        const direct = await deps.artifacts.directDownloadUrl(ref, deps.config.S3_PRESIGN_EXPIRES_SEC);
        if (direct) return reply.header('cache-control', 'no-store').redirect(direct, 302);
        const range = parseByteRange(req.headers.range, ref.size);
        if (range === 'unsatisfiable') {
          reply.header('content-range', `bytes */${ref.size}`);
          throw new HttpError('RANGE_NOT_SATISFIABLE', `range outside 0-${ref.size - 1}`);
        }
        reply.header('accept-ranges', 'bytes').header('content-type', ref.contentType);
        reply.header('content-disposition', `inline; filename="${ref.name.replace(/[^\w.-]/g, '_')}"`);
        const stream = await deps.artifacts.openStream(id);
        if (!range) return reply.header('content-length', ref.size).send(stream);
        reply
          .code(206)
          .header('content-range', `bytes ${range.start}-${range.end}/${ref.size}`)
          .header('content-length', range.end - range.start + 1);
        return reply.send(stream.pipe(sliceBytes(range.start, range.end)));
      },
    );
  };
}

/** The object store cannot seek, so a range is cut from the stream as it passes. */
function sliceBytes(start: number, end: number): Transform {
  let offset = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      const from = Math.max(0, start - offset);
      const to = Math.min(chunk.length, end - offset + 1);
      offset += chunk.length;
      cb(null, from < to ? chunk.subarray(from, to) : undefined);
    },
  });
}
