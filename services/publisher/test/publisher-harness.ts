import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ArtifactRef } from '@reelay/contracts';
import { startTestSystem, type TestSystem } from '@reelay/runtime/testing';
import { verifyArtifactSignature } from '../src/artifact-links.js';
import { type FakeServer, listen, sendJson } from './fake-platforms/fake-http.js';
import { FakeInstagram } from './fake-platforms/instagram-server.js';
import { FakeTiktok } from './fake-platforms/tiktok-server.js';
import { FakeX } from './fake-platforms/x-server.js';
import { FakeYoutube } from './fake-platforms/youtube-server.js';

export const PUBLISHER = fileURLToPath(new URL('../dist/main.js', import.meta.url));
export const CHUNK = 256 * 1024;
export const LINK_SECRET = 'link-secret-for-tests-0123456789';
export const WEBHOOK_SECRET = 'whsec-for-tests-0123456789abcdef';

/**
 * A real nats-server, the four fake platforms on 127.0.0.1, the gateway's signed-link
 * endpoint (for Instagram to download from) and a credentials file: what a publisher
 * process needs. `env` is that process's environment.
 */
export interface PublisherWorld {
  sys: TestSystem;
  youtube: FakeYoutube;
  tiktok: FakeTiktok;
  instagram: FakeInstagram;
  x: FakeX;
  links: FakeServer;
  dir: string;
  env: Record<string, string>;
  /** A generated "video" of `size` random bytes in the artifact store (project default). */
  putVideo(size?: number): Promise<ArtifactRef>;
  close(): Promise<void>;
}

export async function startPublisherWorld(options: { ackWaitMs?: number } = {}): Promise<PublisherWorld> {
  const sys = await startTestSystem({ ackWaitMs: options.ackWaitMs ?? 2_000 });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'reelay-publisher-'));
  const youtube = await new FakeYoutube().start();
  const tiktok = await new FakeTiktok(CHUNK).start();
  const instagram = await new FakeInstagram().start();
  const x = await new FakeX().start();
  // What the gateway does for signed links: verify, then stream the artifact.
  const links = await listen(async (_req, res, url) => {
    const id = decodeURIComponent(url.pathname.split('/').pop() ?? '');
    if (!verifyArtifactSignature(id, url.searchParams.get('expires') ?? '', url.searchParams.get('sig') ?? '', LINK_SECRET)) {
      return sendJson(res, 403, { error: { code: 'FORBIDDEN', message: 'bad or expired signature' } });
    }
    const info = await sys.artifacts.info(id);
    if (!info) return sendJson(res, 404, { error: { code: 'NOT_FOUND', message: 'no such artifact' } });
    res.writeHead(200, { 'content-type': info.contentType, 'content-length': info.size });
    (await sys.artifacts.openStream(id)).pipe(res);
  });
  const credentials = {
    projects: {
      default: {
        youtube: {
          accounts: {
            // An expired token: the first call gets 401 and the publisher refreshes it.
            main: { accessToken: 'expired-youtube-token', refreshToken: 'yt-refresh', clientId: 'yt-client', clientSecret: 'yt-secret' },
          },
        },
        tiktok: { accounts: { main: { accessToken: 'valid-tiktok-token' } } },
        instagram: { accounts: { main: { accessToken: 'valid-instagram-token', igUserId: '17841400000000001' } } },
        x: { accounts: { main: { accessToken: 'valid-x-token' } } },
        webhook: { accounts: { main: { secret: WEBHOOK_SECRET } } },
      },
    },
  };
  const credentialsFile = path.join(dir, 'credentials.json');
  await writeFile(credentialsFile, JSON.stringify(credentials));
  const env = {
    PUBLISH_CREDENTIALS_FILE: credentialsFile,
    YOUTUBE_BASE_URL: youtube.origin,
    YOUTUBE_TOKEN_URL: `${youtube.origin}/token`,
    YOUTUBE_CHUNK_BYTES: String(CHUNK),
    TIKTOK_BASE_URL: tiktok.origin,
    TIKTOK_CHUNK_BYTES: String(CHUNK),
    INSTAGRAM_BASE_URL: instagram.origin,
    X_BASE_URL: x.origin,
    X_UPLOAD_BASE_URL: x.origin,
    X_CHUNK_BYTES: String(CHUNK),
    PUBLIC_LINK_BASE_URL: `${links.origin}/public/artifacts`,
    PUBLIC_LINK_SECRET: LINK_SECRET,
    PUBLISH_POLL_INTERVAL_MS: '50',
  };
  return {
    sys,
    youtube,
    tiktok,
    instagram,
    x,
    links,
    dir,
    env,
    async putVideo(size = 4 * CHUNK + 1_000) {
      const file = path.join(dir, `video-${randomBytes(4).toString('hex')}.mp4`);
      await writeFile(file, randomBytes(size));
      return sys.artifacts.putFile(file, { project: 'default', contentType: 'video/mp4' });
    },
    async close() {
      await sys.close();
      await Promise.all([youtube.close(), tiktok.close(), instagram.close(), x.close(), links.close()]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
