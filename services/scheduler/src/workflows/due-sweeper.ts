import { WorkflowRecord } from '@reelay/contracts';
import { type KV, type Logger, stepsDue, type WorkflowClient } from '@reelay/runtime';
import { parseJson } from './step-events.js';

export interface DueSweeper {
  stop(): Promise<void>;
}

/**
 * Steps left due with no one to queue them. A workflow is written in two steps — a change
 * with its plan, then the jobs of the steps it made due — and whoever wrote the first
 * writes the second. An engine that stops between them has its event redelivered, which
 * finishes the work; a gateway that stops there (a submit, a retry: NATS failing under
 * it, the process killed) has nothing coming back. So the engine watches the workflows
 * bucket, and a record written with steps due and not written again within `graceMs` is
 * reconciled, which queues them. Every replica watches; a second reconcile of the same
 * record finds nothing due (compare-and-set, idempotent step jobs).
 */
export async function startDueSweeper(kv: KV, workflows: WorkflowClient, log: Logger, graceMs: number): Promise<DueSweeper> {
  /** Workflow id → when its record was last written with steps due. */
  const due = new Map<string, number>();
  const watch = await kv.watch({ include: 'updates' });
  const loop = (async () => {
    for await (const entry of watch) {
      const parsed = entry.operation === 'PUT' ? WorkflowRecord.safeParse(parseJson(entry.value)) : undefined;
      if (parsed?.success && stepsDue(parsed.data)) due.set(entry.key, Date.now());
      else due.delete(entry.key);
    }
  })().catch((err) => log.error({ err }, 'workflow watch stopped'));
  const timer = setInterval(
    () => {
      const cutoff = Date.now() - graceMs;
      for (const [id, since] of due) {
        if (since > cutoff) continue;
        due.delete(id);
        log.warn({ workflow_id: id, since: new Date(since).toISOString() }, 'workflow left with steps due; queueing them');
        workflows.reconcile(id).catch((err) => {
          log.warn({ err, workflow_id: id }, 'queueing due steps failed; trying again');
          if (!due.has(id)) due.set(id, Date.now());
        });
      }
    },
    Math.max(100, Math.floor(graceMs / 2)),
  );
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      watch.stop();
      await loop;
    },
  };
}
