import { type LocalS3Server, startLocalS3Server } from '@reelay/artifacts-s3/testing';
import { ArtifactStore } from '../src/artifacts/artifact-store.js';
import { openArtifactStore } from '../src/artifacts/open-artifact-store.js';
import { RuntimeEnv } from '../src/config/runtime-config.js';
import { parseEnv } from '../src/config/parse-env.js';
import { connectNats, type NatsContext } from '../src/nats/connection.js';
import { openArtifacts } from '../src/nats/topology.js';
import { startNatsServer, type NatsServerHandle } from '../src/testing/nats-server.js';

/**
 * The artifact suites run once per backend: the NATS object store, and S3 through a real
 * S3-compatible server (S3rver) on a free port, chosen through the same configuration a
 * service reads (ARTIFACT_STORE=s3, S3_ENDPOINT, credentials from AWS_* variables).
 */
export const BACKENDS = ['nats', 's3'] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface BackendFixture {
  store: ArtifactStore;
  s3?: LocalS3Server;
  close(): Promise<void>;
}

export async function startBackend(name: BackendName): Promise<BackendFixture> {
  const nats: NatsServerHandle = await startNatsServer();
  const ctx: NatsContext = await connectNats({ url: nats.url, name: `artifacts-${name}-test` });
  const closeNats = async () => {
    await ctx.nc.close();
    await nats.stop();
  };
  if (name === 'nats') {
    return { store: new ArtifactStore(await openArtifacts(ctx)), close: closeNats };
  }
  const s3 = await startLocalS3Server();
  // The SDK reads credentials from the environment, as in production.
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey });
  // The smallest part S3 allows, so a test file of a few MiB goes up in several parts.
  const config = parseEnv(RuntimeEnv, { ...s3.env, S3_UPLOAD_PART_BYTES: String(5 * 1024 * 1024) });
  const store = await openArtifactStore(ctx, config);
  return {
    store,
    s3,
    async close() {
      store.close();
      await s3.close();
      await closeNats();
    },
  };
}
