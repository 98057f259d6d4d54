/**
 * What `uploadArtifact` accepts, and its conversion to a fetch body. A Node Readable is an
 * AsyncIterable of Buffers (which are Uint8Arrays), so it is taken as one without this
 * module importing anything from node:.
 */
import type { RequestBody } from './transport.js';

export type ArtifactSource = Uint8Array | ArrayBuffer | Blob | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

export function toRequestBody(source: ArtifactSource): RequestBody {
  if (source instanceof Uint8Array || source instanceof ArrayBuffer || source instanceof Blob || source instanceof ReadableStream) {
    return source as RequestBody;
  }
  if (isAsyncIterable(source)) return iterableToStream(source);
  throw new TypeError('uploadArtifact takes a Uint8Array, ArrayBuffer, Blob, ReadableStream or async iterable of bytes');
}

function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array> {
  return typeof (value as { [Symbol.asyncIterator]?: unknown } | null)?.[Symbol.asyncIterator] === 'function';
}

/** Pull-based, so a slow upload applies backpressure to the file being read. */
function iterableToStream(source: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await iterator.next();
      if (done) controller.close();
      else controller.enqueue(value instanceof Uint8Array ? value : new Uint8Array(value));
    },
    async cancel(reason) {
      await iterator.return?.(reason);
    },
  });
}
