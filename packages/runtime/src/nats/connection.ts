import { readFile } from 'node:fs/promises';
import { jetstream, type JetStreamClient, type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { Objm } from '@nats-io/obj';
import { type ConnectionOptions, connect, credsAuthenticator, type NatsConnection } from '@nats-io/transport-node';

/** The handles every piece of the runtime needs, made once per process. */
export interface NatsContext {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  kvm: Kvm;
  objm: Objm;
  /**
   * False from a disconnect until the client is reconnected. Calls made meanwhile wait for
   * their timeout; a server answering requests can refuse at once instead (503).
   */
  connected(): boolean;
}

export interface NatsConnectOptions {
  url: string;
  name: string;
  credsFile?: string | undefined;
  user?: string | undefined;
  password?: string | undefined;
}

export async function connectNats(options: NatsConnectOptions): Promise<NatsContext> {
  const connectOptions: ConnectionOptions = {
    servers: options.url.split(',').map((s) => s.trim()),
    name: options.name,
    // Stack traces on every async publish cost ~2x throughput (DESIGN.md); errors still carry messages.
    noAsyncTraces: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
  };
  if (options.credsFile) connectOptions.authenticator = credsAuthenticator(await readFile(options.credsFile));
  if (options.user) {
    connectOptions.user = options.user;
    if (options.password !== undefined) connectOptions.pass = options.password;
  }
  const nc = await connect(connectOptions);
  const jsm = await jetstreamManager(nc, { timeout: 10_000 });
  const js = jetstream(nc, { timeout: 10_000 });
  let connected = true;
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') connected = false;
      else if (status.type === 'reconnect') connected = true;
    }
  })();
  return { nc, js, jsm, kvm: new Kvm(js), objm: new Objm(js), connected: () => connected && !nc.isClosed() };
}
