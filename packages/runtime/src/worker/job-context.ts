import type { JobEnvelope } from '@reelay/contracts';
import type { ProjectArtifacts } from '../artifacts/artifact-store.js';
import type { Logger } from '../logging/logger.js';
import type { ChildProcesses } from '../process/child-processes.js';

/**
 * What a handler gets besides its input. No globals: everything a task needs to talk
 * to the system comes through here.
 */
export interface JobContext {
  jobId: string;
  job: JobEnvelope;
  attempt: number;
  /**
   * Fires on cancellation, at the soft time limit, and when the worker shuts down past
   * its grace period. `signal.reason` is a ReelayError saying which.
   */
  signal: AbortSignal;
  /** 0–100 (clamped) and a stage text. Throttled; the last call always lands. */
  progress(percent: number, stage?: string): void;
  /** Tells JetStream the job is alive without reporting progress. */
  keepAlive(): void;
  log: Logger;
  /**
   * This job's project's artifacts only: another project's answer ARTIFACT_NOT_FOUND,
   * and what the job writes belongs to its project. There is no way from here to the
   * whole store.
   */
  artifacts: ProjectArtifacts;
  /** Spawn children here: they are killed (whole process group) on cancel and hard limit. */
  children: ChildProcesses;
  /** A private temp directory for this attempt, removed whatever the outcome. */
  tempDir(): Promise<string>;
}

export type Handler<I = any, O = any> = (input: I, ctx: JobContext) => Promise<O>;
