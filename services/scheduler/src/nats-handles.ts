import type { Buckets, NatsContext } from '@reelay/runtime';

/**
 * nats.js types the scheduler handles, derived from the runtime's handles: the runtime
 * owns the nats.js dependency (one version for every service), so services name these
 * types through it rather than importing nats.js themselves.
 */
export type KV = Buckets['locks'];
type Consumer = Awaited<ReturnType<NatsContext['js']['consumers']['get']>>;
type ConsumerMessages = Awaited<ReturnType<Consumer['consume']>>;
export type JsMsg = ConsumerMessages extends AsyncIterable<infer M> ? M : never;
export type MsgHdrs = NonNullable<JsMsg['headers']>;
