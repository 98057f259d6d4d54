/**
 * The machine's monotonic clock (`process.hrtime`, CLOCK_MONOTONIC), the same in every
 * process on it: a worker's reading of when its handler began compares with the bench's
 * (handler-start.ts). No imports, so the BullMQ worker loads nothing of Reelay's.
 */
export const monotonicMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/** The BullMQ job name of the latency job: its handler returns `monotonicMs()` as it began. */
export const BULLMQ_STAMP_JOB = 'stamp';
