import { Publication } from '@reelay/contracts';
import { type Buckets, TransientError } from '@reelay/runtime';

type KV = Buckets['publications'];

/**
 * The exactly-once record of one publication, in KV `publications`, keyed by job id +
 * target + account. Written BEFORE the first remote call ("started") and as soon as the
 * platform names the upload (session URI, publish_id, media_id, chunks done), and AFTER
 * the last ("published", with the result). A redelivered or requeued job reads it first:
 * published → return the recorded result; started → resume from the session.
 *
 * Writes use the KV revision (create / update-if-unchanged): two holders of the same job
 * (a worker presumed dead that is not) cannot both advance the record; the loser retries.
 */
export class Publications {
  constructor(private readonly kv: KV) {}

  static key(jobId: string, target: string, account: string): string {
    return `${jobId}.${target}.${account}`;
  }

  async open(jobId: string, project: string, target: string, account: string): Promise<PublicationHandle> {
    const key = Publications.key(jobId, target, account);
    const entry = await this.kv.get(key);
    if (entry?.operation === 'PUT') return new PublicationHandle(this.kv, key, Publication.parse(entry.json()), entry.revision, true);
    const now = new Date().toISOString();
    const record: Publication = { jobId, project, target, account, state: 'started', session: {}, startedAt: now, updatedAt: now };
    return new PublicationHandle(this.kv, key, record, 0, false);
  }
}

export class PublicationHandle {
  constructor(
    private readonly kv: KV,
    readonly key: string,
    private current: Publication,
    private revision: number,
    /** Whether an earlier attempt left this record (a resume). */
    readonly existed: boolean,
  ) {}

  get record(): Publication {
    return this.current;
  }
  get session(): Record<string, unknown> {
    return this.current.session;
  }

  /** Writes "started" (first time) or merges resume state into the session. */
  async save(session: Record<string, unknown> = {}): Promise<void> {
    await this.write({ ...this.current, session: { ...this.current.session, ...session } });
  }

  async published(result: Record<string, unknown>): Promise<void> {
    await this.write({ ...this.current, state: 'published', result });
  }

  private async write(next: Publication): Promise<void> {
    next.updatedAt = new Date().toISOString();
    const data = JSON.stringify(next);
    try {
      this.revision = this.revision === 0 ? await this.kv.create(this.key, data) : await this.kv.update(this.key, data, this.revision);
    } catch (err) {
      throw new TransientError(`publication ${this.key} was changed by another worker; retrying from its record`, { cause: err });
    }
    this.current = next;
  }
}
