import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { JetStreamManager, StoredMsg } from '@nats-io/jetstream';
import { type ObjectInfo, type ObjectStore, setSha256Backend } from '@nats-io/obj';
import type { ArtifactBackend, ByteRange, StoredArtifact, StoredArtifactMeta } from './artifact-backend.js';

// The object store hashes every chunk it puts and gets (SHA-256, verified on a whole
// read). Its default hasher is pure JavaScript and was most of the CPU moving media here:
// a 75 MB clip took ~3.3 s each way, ~0.7 s with node:crypto. Process-wide; Node only.
setSha256Backend('native');

/**
 * Chunk size for new objects (nats.js lowers it to the server's max_payload, 1 MiB by
 * default). Every chunk is one message each way: one acked publish on put, one direct
 * get on a ranged read. At the object store's 128 KiB default a 25 MB clip was ~200 of
 * each, and their per-message cost was most of the CPU a streamed input took
 * (docs/benchmarks.md, media overhead: ranged read 0.18 → 0.06 CPU-s, put 0.19 → 0.10).
 * Objects already stored keep the chunk size they were written with.
 */
const NATS_CHUNK_BYTES = 1024 * 1024;

/**
 * Artifacts in the NATS JetStream object store: the embedded default, nothing more to
 * run. Metadata rides in the object's metadata map; the store's own SHA-256 digest is
 * reported as the artifact's hash, so bytes are hashed once on the way in.
 */
export class NatsArtifactBackend implements ArtifactBackend {
  readonly kind = 'nats';
  readonly reportsSha256 = true;

  constructor(readonly os: ObjectStore) {}

  async put(id: string, body: Readable, meta: StoredArtifactMeta): Promise<{ size: number; sha256?: string }> {
    const web = Readable.toWeb(body) as unknown as ReadableStream<Uint8Array>;
    const info = await this.os.put(
      {
        name: id,
        description: meta.name,
        options: { max_chunk_size: NATS_CHUNK_BYTES },
        metadata: { name: meta.name, contentType: meta.contentType, project: meta.project, createdAt: meta.createdAt },
      },
      web,
    );
    return { size: info.size, ...sha256Of(info) };
  }

  async stat(id: string): Promise<StoredArtifact | undefined> {
    const info = await this.os.info(id);
    if (!info || info.deleted) return undefined;
    return toArtifact(info);
  }

  async list(): Promise<StoredArtifact[]> {
    return (await this.os.list()).filter((i) => !i.deleted).map(toArtifact);
  }

  /**
   * A whole read streams the object through the store's own reader, which verifies its
   * SHA-256. A range (what ffmpeg and ffprobe ask for through the worker's input server,
   * `bytes=0-` included) is read chunk by chunk with JetStream direct gets, only as fast
   * as the reader takes them, starting at the chunk that holds its first byte: the
   * store's reader is a push consumer that sends the whole object as fast as the server
   * can, so a 64 KB head read or an ffprobe that stops after the index would otherwise
   * pull every byte of the file across. Partial reads are not digest-checked (they
   * never were: a digest covers the whole object).
   */
  async open(id: string, range?: ByteRange): Promise<Readable | undefined> {
    if (range) {
      const info = await this.os.info(id);
      if (!info || info.deleted) return undefined;
      const direct = directAccess(this.os);
      if (direct) return Readable.from(readChunks(direct, info, range), { objectMode: false });
    }
    const result = await this.os.get(id);
    if (!result) return undefined;
    const stream = Readable.fromWeb(result.data as unknown as WebReadableStream<Uint8Array>);
    return range ? Readable.from(sliceBytes(stream, range), { objectMode: false }) : stream;
  }

  async delete(id: string): Promise<void> {
    await this.os.delete(id);
  }
}

function toArtifact(info: ObjectInfo): StoredArtifact {
  const m = info.metadata ?? {};
  return {
    id: info.name,
    name: m.name ?? info.name,
    size: info.size,
    contentType: m.contentType ?? 'application/octet-stream',
    project: m.project ?? 'default',
    createdAt: m.createdAt ?? info.mtime,
  };
}

/** "SHA-256=<base64url>" → hex, as ArtifactRef.sha256 is written. */
function sha256Of(info: ObjectInfo): { sha256?: string } {
  const prefix = 'SHA-256=';
  if (!info.digest?.startsWith(prefix)) return {};
  return { sha256: Buffer.from(info.digest.slice(prefix.length), 'base64url').toString('hex') };
}

/** The bytes of `range` as they pass; leaving the loop stops reading the object. */
async function* sliceBytes(source: Readable, { start, end }: ByteRange): AsyncGenerator<Buffer> {
  let offset = 0;
  for await (const chunk of source as AsyncIterable<Buffer>) {
    const from = Math.max(0, start - offset);
    const to = Math.min(chunk.length, end - offset + 1);
    offset += chunk.length;
    if (from < to) yield chunk.subarray(from, to);
    if (offset > end) return;
  }
}

/**
 * What direct reads need, from the store nats.js hands out (its ObjectStoreImpl carries
 * the stream name and a JetStreamManager, though the ObjectStore interface does not
 * declare them); undefined for anything else, which is then read through `get`.
 */
interface DirectAccess {
  jsm: Pick<JetStreamManager, 'direct'>;
  stream: string;
  name: string;
}
function directAccess(os: ObjectStore): DirectAccess | undefined {
  const o = os as Partial<DirectAccess>;
  return o.jsm?.direct && typeof o.stream === 'string' && typeof o.name === 'string' ? (o as DirectAccess) : undefined;
}

/**
 * The bytes of `range`, one chunk message at a time. Every chunk but the last holds
 * max_chunk_size bytes, so the first one wanted is known by its index; its stream
 * sequence is the first chunk's plus that index when the object's chunks are
 * contiguous in the stream (its last chunk sits exactly chunks − 1 after its first,
 * the usual case). When another put interleaved with it, the chunks before are
 * stepped through instead.
 */
async function* readChunks(d: DirectAccess, info: ObjectInfo, { start, end }: ByteRange): AsyncGenerator<Buffer> {
  if (info.size === 0 || start > end) return;
  const subject = `$O.${d.name}.C.${info.nuid}`;
  const at = (seq: number) => d.jsm.direct.getMessage(d.stream, { seq, next_by_subj: subject });
  const first = await at(1);
  if (!first) return;
  const chunkSize = info.options?.max_chunk_size ?? first.data.length;
  const index = Math.floor(start / chunkSize);
  let message: StoredMsg | null = first;
  if (index > 0) {
    const last = await d.jsm.direct.getMessage(d.stream, { last_by_subj: subject });
    if (last && last.seq - first.seq + 1 === info.chunks) message = await at(first.seq + index);
    else for (let k = 0; k < index && message; k++) message = await at(message.seq + 1);
  }
  let offset = index * chunkSize;
  while (message && offset <= end) {
    // The next chunk is asked for while this one is passed on (a reader that stops
    // here leaves it unawaited: its failure must not surface as an unhandled rejection).
    const next: Promise<StoredMsg | null> | null = offset + message.data.length <= end ? at(message.seq + 1) : null;
    next?.catch(() => undefined);
    const data = Buffer.from(message.data.buffer, message.data.byteOffset, message.data.byteLength);
    const from = Math.max(0, start - offset);
    const to = Math.min(data.length, end - offset + 1);
    if (from < to) yield data.subarray(from, to);
    offset += data.length;
    message = next ? await next : null;
  }
}
