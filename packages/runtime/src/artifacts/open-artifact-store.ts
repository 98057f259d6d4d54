import { ConfigError } from '../errors.js';
import type { RuntimeEnv } from '../config/runtime-config.js';
import type { NatsContext } from '../nats/connection.js';
import { openArtifacts } from '../nats/topology.js';
import type { ArtifactBackend } from './artifact-backend.js';
import { ArtifactStore } from './artifact-store.js';
import { NatsArtifactBackend } from './nats-artifact-backend.js';

/** The part of the runtime's config that picks and sets up the artifact backend. */
export type ArtifactStoreConfig = Pick<
  RuntimeEnv,
  | 'ARTIFACT_STORE'
  | 'STREAM_REPLICAS'
  | 'S3_BUCKET'
  | 'S3_ENDPOINT'
  | 'S3_REGION'
  | 'S3_FORCE_PATH_STYLE'
  | 'S3_PREFIX'
  | 'S3_UPLOAD_PART_BYTES'
>;

/**
 * The artifact store a service runs on, by ARTIFACT_STORE: `nats` (the JetStream object
 * store, nothing else to run) or `s3` (an S3-compatible bucket). The S3 backend is its
 * own package, an optional peer of the runtime imported here only when chosen: a service
 * on NATS never loads the AWS SDK, and a custom worker need not install it. S3 credentials come from the SDK's standard chain (AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY, AWS_PROFILE, web identity or an instance role).
 */
export async function openArtifactStore(ctx: NatsContext, config: ArtifactStoreConfig): Promise<ArtifactStore> {
  if (config.ARTIFACT_STORE === 'nats') return new ArtifactStore(new NatsArtifactBackend(await openArtifacts(ctx, config.STREAM_REPLICAS)));
  if (!config.S3_BUCKET) throw new ConfigError(['S3_BUCKET: required when ARTIFACT_STORE=s3 (not set)']);
  const { S3ArtifactBackend } = await import('@reelay/artifacts-s3').catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw err;
    throw new ConfigError(['ARTIFACT_STORE: s3 needs the @reelay/artifacts-s3 package installed beside @reelay/runtime']);
  });
  // Typed against the runtime's interface here: the S3 package does not import the runtime.
  const backend: ArtifactBackend = new S3ArtifactBackend({
    bucket: config.S3_BUCKET,
    region: config.S3_REGION,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
    partSizeBytes: config.S3_UPLOAD_PART_BYTES,
    ...(config.S3_ENDPOINT ? { endpoint: config.S3_ENDPOINT } : {}),
    ...(config.S3_PREFIX ? { prefix: config.S3_PREFIX } : {}),
  });
  return new ArtifactStore(backend);
}
