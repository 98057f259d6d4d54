import {
  ARTIFACTS_BUCKET,
  BucketNames,
  bandConsumer,
  CONTROL_STREAM,
  DELAYED_STREAM,
  DELAYED_SUBJECTS,
  DLQ_STREAM,
  DLQ_SUBJECTS,
  EVENTS_STREAM,
  EVENTS_SUBJECTS,
  jobsStream,
  jobsSubject,
  jobsSubjectWildcard,
  PRIORITY_BANDS,
} from '@reelay/contracts';
import {
  AckPolicy,
  type ConsumerConfig,
  DeliverPolicy,
  DiscardPolicy,
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import type { ObjectStore } from '@nats-io/obj';
import type { NatsContext } from './connection.js';
import { isAlreadyExists, isNatsNotFound as isNotFound } from './nats-errors.js';

const ns = (ms: number) => ms * 1_000_000;
const HOUR = 3_600_000;

export interface TopologyOptions {
  queues: readonly string[];
  ackWaitMs: number;
  replicas: number;
  eventsMaxAgeMs: number;
}

/**
 * Creates — or brings up to date — every stream, consumer, bucket and object store
 * Reelay uses. Safe to run from every process at every start: creation is idempotent
 * and configs are read back, because 2.9.10 silently drops fields it does not know.
 */
export async function ensureTopology(ctx: NatsContext, options: TopologyOptions): Promise<Buckets> {
  const { jsm } = ctx;
  const replicas = options.replicas;
  await ensureStream(jsm, {
    name: EVENTS_STREAM,
    subjects: EVENTS_SUBJECTS,
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: ns(options.eventsMaxAgeMs),
    // Direct get of the last message on events.jobs.<id> is the job-record lookup.
    allow_direct: true,
    max_msgs_per_subject: 10_000,
    num_replicas: replicas,
  });
  await ensureStream(jsm, {
    name: DLQ_STREAM,
    subjects: DLQ_SUBJECTS,
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: ns(30 * 24 * HOUR),
    allow_direct: true,
    num_replicas: replicas,
  });
  await ensureStream(jsm, {
    name: CONTROL_STREAM,
    subjects: ['control.>'],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: ns(options.eventsMaxAgeMs),
    num_replicas: replicas,
  });
  await ensureStream(jsm, {
    name: DELAYED_STREAM,
    subjects: DELAYED_SUBJECTS,
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    num_replicas: replicas,
  });
  for (const queue of options.queues) await ensureQueue(jsm, queue, options);
  return ensureBuckets(ctx, replicas);
}

export async function ensureQueue(jsm: JetStreamManager, queue: string, options: TopologyOptions): Promise<void> {
  const stream = jobsStream(queue);
  await ensureStream(jsm, {
    name: stream,
    subjects: [jobsSubjectWildcard(queue)],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    duplicate_window: ns(2 * 60_000),
    // Direct gets answer "oldest waiting job" for queue stats without a consumer.
    allow_direct: true,
    num_replicas: options.replicas,
  });
  for (const band of PRIORITY_BANDS) {
    await ensureConsumer(jsm, stream, {
      durable_name: bandConsumer(queue, band),
      filter_subject: jobsSubject(queue, band),
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: ns(options.ackWaitMs),
      // No consumer backoff: nats-server 2.9.10 applies a backoff step on top of a nak's
      // own delay (a retry planned for 1.8 s came after 32 s), and stretches a dead
      // worker's redelivery past AckWait. Retries are nak(delay) alone; a dead worker's
      // job returns after AckWait. `undefined` (not absent) so an update removes it
      // from a consumer created by an older version.
      backoff: undefined,
      // The worker DLQs a job long before this (see settle.ts); this is the backstop
      // that the scheduler's dead-letter keeper watches.
      max_deliver: 50,
      max_ack_pending: 10_000,
    });
  }
}

export async function ensureStream(jsm: JetStreamManager, config: Partial<StreamConfig> & { name: string }): Promise<void> {
  try {
    const info = await jsm.streams.info(config.name);
    const wanted = { ...info.config, ...config };
    if (JSON.stringify(pick(info.config, config)) !== JSON.stringify(pick(wanted, config))) {
      await jsm.streams.update(config.name, wanted);
    }
  } catch (err) {
    if (!isNotFound(err)) throw err;
    try {
      await jsm.streams.add(config);
    } catch (addErr) {
      // Another process created it between our info and add.
      if (!isAlreadyExists(addErr)) throw addErr;
    }
  }
  const readBack = await jsm.streams.info(config.name);
  assertKept(`stream ${config.name}`, readBack.config, config, ['allow_direct', 'max_age', 'retention']);
}

async function ensureConsumer(
  jsm: JetStreamManager,
  stream: string,
  config: Partial<ConsumerConfig> & { durable_name: string },
): Promise<void> {
  let exists = true;
  try {
    await jsm.consumers.info(stream, config.durable_name);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    exists = false;
  }
  if (exists) await jsm.consumers.update(stream, config.durable_name, config);
  else {
    try {
      await jsm.consumers.add(stream, config);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }
  const readBack = await jsm.consumers.info(stream, config.durable_name);
  assertKept(`consumer ${stream}/${config.durable_name}`, readBack.config, config, ['ack_wait', 'max_deliver', 'filter_subject']);
}

export interface Buckets {
  workers: KV;
  idempotency: KV;
  schedules: KV;
  workflows: KV;
  publications: KV;
  locks: KV;
  rateLimits: KV;
  queueState: KV;
  batches: KV;
  tasks: KV;
}

const bucketTtls: Record<keyof Buckets, number> = {
  workers: 15_000,
  idempotency: 7 * 24 * HOUR,
  schedules: 0,
  workflows: 30 * 24 * HOUR,
  publications: 0,
  locks: 10_000,
  rateLimits: HOUR,
  queueState: 0,
  batches: 30 * 24 * HOUR,
  // Registered task types stay until replaced: a type outlives the workers serving it.
  tasks: 0,
};

export async function ensureBuckets(ctx: NatsContext, replicas = 1): Promise<Buckets> {
  const out: Partial<Buckets> = {};
  for (const [key, name] of Object.entries(BucketNames) as [keyof Buckets, string][]) {
    const ttl = bucketTtls[key];
    out[key] = await ctx.kvm.create(name, { replicas, ...(ttl > 0 ? { ttl } : {}), history: 1 });
  }
  return out as Buckets;
}

export async function openArtifacts(ctx: NatsContext, replicas = 1): Promise<ObjectStore> {
  return ctx.objm.create(ARTIFACTS_BUCKET, { storage: StorageType.File, replicas });
}

function pick(obj: object, keysFrom: object): Record<string, unknown> {
  const o = obj as Record<string, unknown>;
  return Object.fromEntries(Object.keys(keysFrom).map((k) => [k, o[k]]));
}

function assertKept(what: string, actual: object, wanted: object, keys: string[]): void {
  const a = actual as Record<string, unknown>;
  const w = wanted as Record<string, unknown>;
  for (const key of keys) {
    if (w[key] !== undefined && JSON.stringify(a[key]) !== JSON.stringify(w[key])) {
      throw new Error(`${what}: server did not keep ${key} (wanted ${JSON.stringify(w[key])}, got ${JSON.stringify(a[key])})`);
    }
  }
}
