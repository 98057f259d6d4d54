import {
  type DeadLetter,
  JOB_STATUSES,
  type JobGroupSummary,
  type JobStatus,
  type JobView,
  type QueueView,
  type WorkerHeartbeat,
} from '@reelay/contracts';
import { type Cell, renderKeyValues, renderTable } from './table.js';
import { formatAge, formatBytes, formatDuration } from './units.js';

/** Human renderings of the gateway's records: one module so every command shows a job the same way. */

export function jobDetails(job: JobView, now: number): string {
  const ran = job.startedAt ? (job.finishedAt ? Date.parse(job.finishedAt) : now) - Date.parse(job.startedAt) : undefined;
  const pairs: Array<[string, Cell]> = [
    ['id', job.id],
    ['type', job.type],
    ['status', job.cancelRequested && job.status === 'running' ? 'running (cancel requested)' : job.status],
    ['progress', `${Math.round(job.progress)}%${job.stage ? ` ${job.stage}` : ''}`],
    ['queue', job.queue],
    ['priority', job.priority],
    ['project', job.project],
    ['attempts', `${job.attempts}/${job.maxAttempts}`],
    ['created', `${job.createdAt} (${formatAge(job.createdAt, now)} ago)`],
    ['run at', job.runAt],
    ['started', job.startedAt],
    ['finished', job.finishedAt],
    ['ran for', ran === undefined ? undefined : formatDuration(ran)],
    ['worker', job.workerId],
    ['batch', job.batchId],
    ['workflow', job.workflowId],
    [
      'labels',
      job.labels && Object.keys(job.labels).length > 0
        ? Object.entries(job.labels)
            .map(([k, v]) => `${k}=${v}`)
            .join(',')
        : undefined,
    ],
    ['error', job.error ? `${job.error.code}: ${job.error.message}` : undefined],
    ['result', job.result === undefined ? undefined : JSON.stringify(job.result)],
  ];
  return renderKeyValues(pairs);
}

export function jobTable(jobs: JobView[], now: number): string {
  return renderTable(
    ['ID', 'TYPE', 'STATUS', { header: 'PROGRESS', align: 'right' }, 'QUEUE', { header: 'PRI', align: 'right' }, 'PROJECT', 'AGE'],
    jobs.map((j) => [j.id, j.type, j.status, `${Math.round(j.progress)}%`, j.queue, j.priority, j.project, formatAge(j.createdAt, now)]),
  );
}

export function queueTable(queues: QueueView[]): string {
  const band = (q: QueueView, name: string) => q.bands.find((b) => b.band === name)?.pending;
  return renderTable(
    ['NAME', 'PAUSED', 'WORKERS', 'PENDING', 'RUNNING', 'HIGH', 'NORMAL', 'LOW'],
    queues.map((q) => [q.name, q.paused, q.consumers, q.pending, q.running, band(q, 'high'), band(q, 'normal'), band(q, 'low')]),
  );
}

export function queueDetails(queue: QueueView): string {
  const head = renderKeyValues([
    ['name', queue.name],
    ['stream', queue.stream],
    ['paused', queue.paused],
    ['workers', queue.consumers],
    ['pending', queue.pending],
    ['running', queue.running],
  ]);
  const bands = renderTable(
    ['BAND', 'PENDING', 'RUNNING', 'REDELIVERED', 'WAITING PULLS', 'OLDEST WAITING'],
    queue.bands.map((b) => [
      b.band,
      b.pending,
      b.running,
      b.redelivered,
      b.waitingPulls,
      b.oldestWaitingMs === undefined ? undefined : formatDuration(b.oldestWaitingMs),
    ]),
  );
  return `${head}\n\n${bands}`;
}

export function workerTable(workers: WorkerHeartbeat[], now: number): string {
  return renderTable(
    ['ID', 'SERVICE', 'HOST', 'QUEUES', 'RUNNING', 'CPU LOAD', 'RSS', 'GPUS', 'UP', 'SEEN'],
    workers.map((w) => [
      w.id,
      w.service,
      w.host,
      w.queues.join(','),
      `${w.running.length}/${w.concurrency}`,
      w.cpuLoad1.toFixed(2),
      formatBytes(w.memoryRssBytes),
      w.gpus.length > 0 ? w.gpus.map((g) => g.name).join(',') : undefined,
      formatAge(w.startedAt, now),
      `${formatAge(w.at, now)} ago`,
    ]),
  );
}

export function deadLetterTable(letters: DeadLetter[], now: number): string {
  return renderTable(
    ['ID', 'TYPE', 'QUEUE', 'REASON', 'ERROR', 'ATTEMPTS', 'DIED'],
    letters.map((d) => [
      d.job.id,
      d.job.type,
      d.job.queue,
      d.reason,
      `${d.error.code}: ${truncate(d.error.message, 60)}`,
      d.errors.length,
      `${formatAge(d.deadAt, now)} ago`,
    ]),
  );
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Workflows and batches in a list (GET /v1/workflows, /v1/batches): their jobs counted by state. */
export function groupTable(groups: JobGroupSummary[], now: number): string {
  return renderTable(
    ['ID', 'PROJECT', { header: 'JOBS', align: 'right' }, 'STATES', 'DONE', 'AGE', 'UPDATED'],
    groups.map((g) => [
      g.id,
      g.project,
      g.total,
      countsText(g.counts),
      g.done,
      formatAge(g.createdAt, now),
      `${formatAge(g.updatedAt, now)} ago`,
    ]),
  );
}

/** `succeeded 3, running 1`: the states with jobs in them, in the order of JOB_STATUSES. */
export function countsText(counts: Partial<Record<JobStatus, number>>): string {
  const parts = JOB_STATUSES.filter((s) => (counts[s] ?? 0) > 0).map((s) => `${s} ${counts[s]}`);
  return parts.length > 0 ? parts.join(', ') : '-';
}
