import { Readable } from 'node:stream';
import type {
  AiVideoPresetBody,
  BookPresetBody,
  JobRecord,
  ReelPresetBody,
  WorkflowRecord,
  WorkflowSpec,
  WorkflowView,
} from '@reelay/contracts';
import type { KV } from '@nats-io/kv';
import type { ArtifactStore } from '../artifacts/artifact-store.js';
import { ConflictError, InvalidInputError, type JobClient, NotFoundError } from '../jobs/job-client.js';
import { newJobId } from '../jobs/new-job-id.js';
import { currentTraceId, inSpan, SpanKind, traceCarrier } from '../telemetry/tracing.js';
import { expandAiVideoPreset } from './ai-video-preset.js';
import { expandBookPreset } from './book-preset.js';
import { expandReelPreset } from './reel-preset.js';
import { WorkflowDriver } from './workflow-driver.js';
import { cancelRecord, newRecord, retryRecord } from './workflow-plan.js';
import { WorkflowStore } from './workflow-store.js';
import { workflowIssues } from './workflow-validation.js';
import { workflowView } from './workflow-view.js';

export interface WorkflowClientOptions {
  /** Where the book preset stores inline source texts; that preset is refused without it. */
  artifacts?: ArtifactStore;
  defaultProject?: string;
}

const now = () => new Date().toISOString();

/**
 * Workflows for the gateway and the scheduler: submit, read, cancel, retry, and — for
 * the scheduler's engine — `onJob`, which moves a workflow on when a step job finishes.
 * The record lives in KV `workflows`; the jobs are ordinary jobs carrying
 * workflowId/stepId.
 */
export class WorkflowClient {
  private readonly store: WorkflowStore;
  private readonly driver: WorkflowDriver;

  constructor(
    private readonly jobs: JobClient,
    kv: KV,
    private readonly options: WorkflowClientOptions = {},
  ) {
    this.store = new WorkflowStore(kv);
    this.driver = new WorkflowDriver(jobs, this.store);
  }

  /** Throws InvalidInputError (with every issue in `details`) for a workflow that cannot run. */
  async validate(spec: WorkflowSpec): Promise<void> {
    // Built-in and registered custom types alike: a step may name any type a worker serves.
    const types = [...new Set([...spec.steps.map((s) => s.type), ...(spec.onError ? [spec.onError.type] : [])])];
    const known = new Set<string>();
    await Promise.all(types.map(async (t) => (await this.jobs.resolveTask(t)) && known.add(t)));
    const issues = workflowIssues(spec, (type) => known.has(type));
    // Steps without $refs have their whole input now: check it against the task's schema.
    for (const [i, step] of spec.steps.entries()) {
      if (!known.has(step.type) || JSON.stringify(step.input ?? {}).includes('"$ref"')) continue;
      try {
        await this.jobs.validate(step.type, step.input);
      } catch (err) {
        if (!(err instanceof InvalidInputError)) throw err;
        issues.push({ path: `steps.${i}.input`, message: err.message });
      }
    }
    if (issues.length) {
      throw new InvalidInputError(`invalid workflow: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
    }
  }

  /**
   * Validates, records and starts a workflow: the record (with the caller's trace
   * context) is written before any step is queued, so the engine always finds it.
   */
  async submit(spec: WorkflowSpec, options: { project?: string } = {}): Promise<WorkflowRecord> {
    await this.validate(spec);
    return inSpan(
      'workflow submit',
      { kind: SpanKind.INTERNAL, attributes: { 'reelay.workflow.steps': spec.steps.length } },
      async (span) => {
        const id = newJobId();
        span.setAttribute('reelay.workflow.id', id);
        const project = options.project ?? spec.project ?? this.options.defaultProject ?? 'default';
        const record = newRecord({ id, project, spec: { ...spec, project }, trace: traceCarrier(), traceId: currentTraceId() }, now());
        await this.store.create(record);
        return (await this.driver.update(id, async (r) => r)) ?? record;
      },
    );
  }

  /** Expands the reel preset (a picture per scene is drawn by ai.image unless backgroundArtifactId is given) and submits it. */
  async submitReel(body: ReelPresetBody, options: { project?: string } = {}): Promise<WorkflowRecord> {
    const project = options.project ?? body.project ?? this.options.defaultProject ?? 'default';
    return this.submit(expandReelPreset(body), { project });
  }

  /** Expands the ai-video preset and submits it. */
  async submitAiVideo(body: AiVideoPresetBody, options: { project?: string } = {}): Promise<WorkflowRecord> {
    const project = options.project ?? body.project ?? this.options.defaultProject ?? 'default';
    return this.submit(expandAiVideoPreset(body), { project });
  }

  /**
   * Expands the book preset and submits it. Inline source texts are stored as text
   * artifacts of the project first: every generation and validation step names the
   * sources, and the workflow record (in KV) stays small.
   */
  async submitBook(body: BookPresetBody, options: { project?: string } = {}): Promise<WorkflowRecord> {
    const project = options.project ?? body.project ?? this.options.defaultProject ?? 'default';
    const artifacts = this.options.artifacts;
    const sources = await Promise.all(
      body.sources.map(async (source) => {
        if (source.text === undefined) return source;
        if (!artifacts) throw new InvalidInputError('the book preset needs its sources as artifacts here');
        const stored = await artifacts.putStream(Readable.from([Buffer.from(source.text)]), {
          name: `source-${source.id}.md`,
          contentType: 'text/markdown',
          project,
        });
        const { text: _text, ...rest } = source;
        return { ...rest, artifactId: stored.id };
      }),
    );
    return this.submit(expandBookPreset({ ...body, sources }), { project });
  }

  async get(id: string): Promise<WorkflowRecord | undefined> {
    return this.store.get(id);
  }

  /** The record joined with its step jobs' live state (status, progress, results). */
  async view(id: string): Promise<WorkflowView | undefined> {
    const record = await this.store.get(id);
    return record ? this.viewOf(record) : undefined;
  }

  /** As `view`, for a record already read (its step jobs are read now). */
  async viewOf(record: WorkflowRecord): Promise<WorkflowView> {
    const ids = [...Object.values(record.steps), ...(record.errorStep ? [record.errorStep] : [])]
      .map((s) => s.jobId)
      .filter((j): j is string => j !== undefined);
    const jobs = new Map<string, JobRecord>();
    await Promise.all(
      ids.map(async (jobId) => {
        const job = await this.jobs.get(jobId);
        if (job) jobs.set(jobId, job);
      }),
    );
    return workflowView(record, jobs);
  }

  /** Nothing new starts; queued and running step jobs are cancelled. */
  async cancel(id: string): Promise<WorkflowRecord> {
    const record = await this.store.update(id, async (r) => {
      if (r.status !== 'running') throw new ConflictError(`workflow ${id} is already ${r.status}`);
      return cancelRecord(r, now());
    });
    if (!record) throw new NotFoundError(`workflow ${id}`);
    const inFlight = Object.values(record.steps).filter((s) => s.status === 'queued' && s.jobId);
    await Promise.all(
      inFlight.map((s) =>
        this.jobs.cancel(s.jobId as string).catch((err) => {
          // Finished between our read and the cancel: its event records the outcome.
          if (!(err instanceof ConflictError || err instanceof NotFoundError)) throw err;
        }),
      ),
    );
    return record;
  }

  /** A new run of the failed, cancelled and skipped steps; succeeded steps' outputs are reused. */
  async retry(id: string): Promise<WorkflowRecord> {
    // The new run is written before its steps are queued: their events find them waiting in it.
    const record = await this.driver.update(id, async (r) => {
      if (r.status !== 'failed' && r.status !== 'cancelled')
        throw new ConflictError(`workflow ${id} is ${r.status}; only failed or cancelled workflows retry`);
      return retryRecord(r, now());
    });
    if (!record) throw new NotFoundError(`workflow ${id}`);
    return record;
  }

  /** The engine's entry: a step job changed state. Idempotent; safe to call for any job. */
  async onJob(job: JobRecord): Promise<WorkflowRecord | undefined> {
    return this.driver.onJob(job);
  }

  /** Catches a workflow up with step outcomes it may have missed (engine start-up). */
  async reconcile(id: string): Promise<WorkflowRecord | undefined> {
    return this.driver.reconcile(id);
  }

  /** Ids of the workflows still running or with step jobs in flight. */
  async unfinishedIds(): Promise<string[]> {
    const out: string[] = [];
    for (const id of await this.store.ids()) {
      const record = await this.store.get(id);
      if (!record) continue;
      const inFlight = Object.values(record.steps).some((s) => s.status === 'queued') || record.errorStep?.status === 'queued';
      if (record.status === 'running' || inFlight || record.errorStep?.status === 'waiting') out.push(id);
    }
    return out;
  }
}
