import { JetStreamApiCodes, JetStreamApiError, JetStreamError } from '@nats-io/jetstream';
import { errors as coreErrors } from '@nats-io/transport-node';

/**
 * The one place that reads NATS and JetStream errors. Everything else asks this module
 * what an error means — by class and by the server's `err_code` / status, never by
 * message text.
 *
 * - `unavailable`: the server, the stream's leader or the cluster cannot answer now
 *   (closed or draining connection, timeout, no responders, JetStream 503 / no leader).
 *   Worth retrying later; the gateway answers 503 with Retry-After.
 * - `wrong-last-sequence`: a compare-and-set write lost to another writer.
 * - `not-found`: no such stream, consumer or message.
 * - `already-exists`: creating what is already there (a KV key, a stream with other config).
 * - `invalid-subject`: a subject or name the client refused to send.
 * - `other`: none of the above.
 */
export type NatsErrorKind = 'unavailable' | 'wrong-last-sequence' | 'not-found' | 'already-exists' | 'invalid-subject' | 'other';

/** JetStream `err_code`s that mean "not now": cluster or leader missing, or the meta layer busy. */
const UNAVAILABLE_API_CODES = new Set([
  10008, // JSClusterNotAvailErr: JetStream system temporarily unavailable
  10009, // JSClusterNotLeaderErr: JetStream cluster can not handle request
]);
const ALREADY_EXISTS_API_CODES = new Set([
  10058, // JSStreamNameExistErr: stream name already in use with a different configuration
  10013, // JSConsumerNameExistErr: consumer name already in use
  10148, // JSConsumerAlreadyExists (2.10+)
]);
const NOT_FOUND_API_CODES = new Set<number>([
  JetStreamApiCodes.ConsumerNotFound,
  JetStreamApiCodes.StreamNotFound,
  JetStreamApiCodes.NoMessageFound,
]);
const WRONG_SEQUENCE_API_CODES = new Set<number>([
  JetStreamApiCodes.StreamWrongLastSequence,
  JetStreamApiCodes.StreamWrongLastSequenceUnknown,
]);

const UNAVAILABLE_CLASSES: (new (...args: never[]) => Error)[] = [
  coreErrors.ClosedConnectionError,
  coreErrors.DrainingConnectionError,
  coreErrors.ConnectionError,
  coreErrors.TimeoutError,
  coreErrors.NoRespondersError,
  coreErrors.RequestError,
];

export function classifyNatsError(err: unknown): NatsErrorKind {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const kind = classifyOne(e);
    if (kind !== 'other') return kind;
  }
  return 'other';
}

function classifyOne(err: Error): NatsErrorKind {
  if (err instanceof JetStreamApiError) {
    if (WRONG_SEQUENCE_API_CODES.has(err.code)) return 'wrong-last-sequence';
    if (NOT_FOUND_API_CODES.has(err.code)) return 'not-found';
    if (ALREADY_EXISTS_API_CODES.has(err.code)) return 'already-exists';
    if (UNAVAILABLE_API_CODES.has(err.code) || err.status === 503 || err.status === 408) return 'unavailable';
    return 'other';
  }
  if (err instanceof JetStreamError) {
    // JetStreamStatusError (not on the public door) carries the status of a pull or publish.
    const status = (err as { code?: unknown }).code;
    if (status === 503 || status === 408 || status === 409) return 'unavailable';
    if (status === 404) return 'not-found';
    return 'other';
  }
  if (err instanceof coreErrors.InvalidSubjectError) return 'invalid-subject';
  if (UNAVAILABLE_CLASSES.some((cls) => err instanceof cls)) return 'unavailable';
  return 'other';
}

export const isNatsUnavailable = (err: unknown): boolean => classifyNatsError(err) === 'unavailable';
export const isWrongLastSequence = (err: unknown): boolean => classifyNatsError(err) === 'wrong-last-sequence';
export const isNatsNotFound = (err: unknown): boolean => classifyNatsError(err) === 'not-found';
/**
 * A core request nobody is subscribed to answer: for a request to one named party (a
 * worker's control subject) that party is gone, not the server unavailable.
 */
export const isNoResponders = (err: unknown): boolean =>
  err instanceof coreErrors.NoRespondersError || (err instanceof coreErrors.RequestError && err.isNoResponders());
export const isAlreadyExists = (err: unknown): boolean => classifyNatsError(err) === 'already-exists';
