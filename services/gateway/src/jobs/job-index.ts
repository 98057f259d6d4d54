import { ALL_JOB_EVENTS, EVENTS_STREAM, JobEvent, type JobRecord, type JobStatus } from '@reelay/contracts';
import { DeliverPolicy, type Logger, type NatsContext } from '@reelay/runtime';

export interface JobFilter {
  projects: readonly string[] | '*';
  project?: string | undefined;
  status?: JobStatus | undefined;
  type?: string | undefined;
}

type Listener = (job: JobRecord, previous: JobRecord | undefined) => void;

/**
 * Every job's latest record, in memory, for listing and metrics. Built from the EVENTS
 * stream with "last per subject" delivery (one message per job, not its history), then
 * kept current live. Memory grows with the jobs kept by EVENTS_MAX_AGE_HOURS: about
 * 1 KiB per job. A single job is always read from JetStream, never from here.
 */
export class JobIndex {
  private readonly jobs = new Map<string, JobRecord>();
  /** Ids sorted ascending; UUIDv7 ids sort by creation time. */
  private sorted: string[] | undefined;
  private readonly listeners = new Set<Listener>();
  private stopFn: (() => void) | undefined;
  private live = false;

  constructor(
    private readonly ctx: NatsContext,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    const consumer = await this.ctx.js.consumers.get(EVENTS_STREAM, {
      filter_subjects: ALL_JOB_EVENTS,
      deliver_policy: DeliverPolicy.LastPerSubject,
    });
    const initialPending = (await consumer.info(true)).num_pending;
    let seen = 0;
    let markReady: () => void = () => {};
    const ready = new Promise<void>((r) => {
      markReady = r;
    });
    if (initialPending === 0) markReady();
    const messages = await consumer.consume({
      callback: (m) => {
        try {
          this.put(JobEvent.parse(m.json()).job);
        } catch (err) {
          this.log.warn({ err, subject: m.subject }, 'unreadable job event skipped');
        }
        seen += 1;
        if (!this.live && seen >= initialPending) {
          this.live = true;
          markReady();
        }
      },
    });
    this.stopFn = () => void messages.stop();
    await ready;
    this.live = true;
  }

  stop(): void {
    this.stopFn?.();
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Records written by this gateway go in at once, so a client reads its own writes. */
  put(job: JobRecord): void {
    const previous = this.jobs.get(job.id);
    if (previous && previous.updatedAt > job.updatedAt) return;
    if (!previous) this.sorted = undefined;
    this.jobs.set(job.id, job);
    if (this.live) for (const l of this.listeners) l(job, previous);
  }

  /** The latest record seen of one job, if the index has it (it may lag a write elsewhere). */
  get(id: string): JobRecord | undefined {
    return this.jobs.get(id);
  }

  get size(): number {
    return this.jobs.size;
  }

  list(filter: JobFilter, limit: number, cursor?: string): { items: JobRecord[]; nextCursor?: string } {
    this.sorted ??= [...this.jobs.keys()].sort();
    const items: JobRecord[] = [];
    let i = this.sorted.length - 1;
    if (cursor) {
      // Binary search for the first id older than the cursor.
      let lo = 0;
      let hi = this.sorted.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((this.sorted[mid] as string) < cursor) lo = mid + 1;
        else hi = mid;
      }
      i = lo - 1;
    }
    for (; i >= 0 && items.length < limit; i--) {
      const job = this.jobs.get(this.sorted[i] as string);
      if (job && matches(job, filter)) items.push(job);
    }
    const more = i >= 0 && items.length === limit;
    return more ? { items, nextCursor: items.at(-1)?.id as string } : { items };
  }

  countsBy(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const job of this.jobs.values()) {
      const key = `${job.queue}\u0000${job.status}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  }
}

function matches(job: JobRecord, f: JobFilter): boolean {
  if (f.projects !== '*' && !f.projects.includes(job.project)) return false;
  if (f.project && job.project !== f.project) return false;
  if (f.status && job.status !== f.status) return false;
  if (f.type && job.type !== f.type) return false;
  return true;
}
