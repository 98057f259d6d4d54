import type { JobView } from '@reelay/contracts';
import { ReelayError } from './errors.js';

/**
 * A job finished without succeeding. Thrown by `JobHandle.result()`; its `code` is the
 * job's own error code (or CANCELLED), and `job` the final record.
 */
export class JobFailedError extends ReelayError {
  readonly job: JobView;

  constructor(job: JobView) {
    const code = job.status === 'cancelled' ? 'CANCELLED' : (job.error?.code ?? 'FAILED');
    super(code, `job ${job.id} ${job.status}${job.error ? `: ${job.error.message}` : ''}`, { retryable: false });
    this.name = 'JobFailedError';
    this.job = job;
  }
}
