import type { EnqueueRequest, EnqueueResult, JobClient } from '../jobs/job-client.js';

/**
 * The same job client (the same connection, the same stores) with `enqueue` replaced:
 * the replacement gets the request and the real enqueue. For tests of what a writer does
 * when queueing fails or is slow — a real client, not a mock; every other method is the
 * client's own.
 */
export function withEnqueue(
  jobs: JobClient,
  enqueue: (request: EnqueueRequest, real: (request: EnqueueRequest) => Promise<EnqueueResult>) => Promise<EnqueueResult>,
): JobClient {
  const real = (request: EnqueueRequest) => jobs.enqueue(request);
  return new Proxy(jobs, {
    get(target, prop, receiver) {
      if (prop === 'enqueue') return (request: EnqueueRequest) => enqueue(request, real);
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
