import { ALL_JOB_EVENTS, EVENTS_STREAM } from '@reelay/contracts';
import { DeliverPolicy, isAlreadyExists, isNatsNotFound, type NatsContext } from '@reelay/runtime';

/** One durable name for every scheduler replica: they share it, so each event goes to one. */
export const WORKFLOW_EVENTS_CONSUMER = 'scheduler-workflows';

const ns = (ms: number) => ms * 1_000_000;

/**
 * The engine's durable pull consumer on EVENTS. It starts at new events when first
 * made (days of history hold nothing for it; the start-up reconcile covers outcomes
 * from before), and resumes where it stopped after a restart.
 */
export async function ensureEventConsumer(jsm: NatsContext['jsm'], ackWaitMs: number): Promise<void> {
  const config = {
    durable_name: WORKFLOW_EVENTS_CONSUMER,
    filter_subject: ALL_JOB_EVENTS,
    ack_policy: 'explicit' as const,
    ack_wait: ns(ackWaitMs),
    max_ack_pending: 10_000,
  };
  try {
    await jsm.consumers.info(EVENTS_STREAM, WORKFLOW_EVENTS_CONSUMER);
    await jsm.consumers.update(EVENTS_STREAM, WORKFLOW_EVENTS_CONSUMER, config);
  } catch (err) {
    if (!isNatsNotFound(err)) throw err;
    await jsm.consumers.add(EVENTS_STREAM, { ...config, deliver_policy: DeliverPolicy.New }).catch((addErr) => {
      // Another replica made it between our lookup and add.
      if (!isAlreadyExists(addErr)) throw addErr;
    });
  }
}
