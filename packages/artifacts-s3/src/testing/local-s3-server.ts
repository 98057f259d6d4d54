import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

/**
 * A real S3-compatible HTTP server on a free loopback port, for tests: S3rver (the
 * maintained @20minutes fork), which checks SigV4 signatures (headers and presigned query
 * strings), and implements multipart upload, ranged GET, user metadata and ListObjectsV2
 * over a temp directory. Not for production code.
 */

export interface LocalS3Server {
  /** e.g. http://127.0.0.1:40123 — use with forcePathStyle. */
  endpoint: string;
  bucket: string;
  region: string;
  /** S3rver's built-in account; its signatures are checked like AWS's. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Environment for a service process that should store artifacts here. */
  env: Record<string, string>;
  close(): Promise<void>;
}

type KoaMiddleware = (ctx: S3rverContext, next: () => Promise<void>) => Promise<void>;
interface S3rverContext {
  path: string;
  mountPath?: string;
  params: { bucket?: string; key?: string };
  state: { vhost?: boolean };
}

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;

export async function startLocalS3Server(options: { bucket?: string } = {}): Promise<LocalS3Server> {
  const S3rver = loadS3rver();
  const bucket = options.bucket ?? 'reelay-artifacts';
  const directory = await mkdtemp(path.join(os.tmpdir(), 'reelay-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    vhostBuckets: false,
    configureBuckets: [{ name: bucket }],
  });
  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  return {
    endpoint,
    bucket,
    region: 'us-east-1',
    credentials,
    env: {
      ARTIFACT_STORE: 's3',
      S3_ENDPOINT: endpoint,
      S3_BUCKET: bucket,
      S3_REGION: 'us-east-1',
      S3_FORCE_PATH_STYLE: 'true',
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    },
    async close() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

const require = createRequire(import.meta.url);
let loaded: S3rverConstructor | undefined;

/**
 * S3rver with one fidelity fix. aws-sdk-js v3 signs a path-style bucket request (our
 * ListObjectsV2) for the path it sends, "/<bucket>/"; AWS and MinIO verify it as sent,
 * but S3rver canonicalises the path as "/<bucket>" and answers SignatureDoesNotMatch.
 * Its verifier is wrapped so that for such a request it canonicalises the path the
 * client signed, slash included (S3rver's own virtual-host rule, "/" + bucket + mount
 * path, yields exactly that); everything else it checks unchanged.
 */
function loadS3rver(): S3rverConstructor {
  if (loaded) return loaded;
  const authPath = require.resolve('@20minutes/s3rver/lib/middleware/authentication.js');
  const original = require(authPath) as () => KoaMiddleware;
  const cached = require.cache[authPath];
  if (cached) {
    cached.exports = (): KoaMiddleware => {
      const verify = original();
      return async (ctx, next) => {
        const bucketPathWithSlash = Boolean(ctx.params.bucket) && !ctx.params.key && !ctx.state.vhost && ctx.path.endsWith('/');
        if (!bucketPathWithSlash) return verify(ctx, next);
        const mountPath = ctx.mountPath;
        ctx.state.vhost = true;
        ctx.mountPath = '/';
        return verify(ctx, async () => {
          ctx.state.vhost = false;
          ctx.mountPath = mountPath;
          await next();
        });
      };
    };
  }
  loaded = require('@20minutes/s3rver') as S3rverConstructor;
  return loaded;
}
