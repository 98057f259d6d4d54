/**
 * services/scheduler — decides what runs when: releases delayed jobs on time, fires
 * periodic schedules (leader only), runs workflows, moves max-deliveries jobs to the
 * DLQ, and serves the `system` queue (system.noop/sleep and the upkeep tasks the
 * built-in schedules enqueue). Any number of replicas may run; see docs/scheduling.md
 * for what each part does when there are several.
 */
import os from 'node:os';
import { upkeepTasks } from '@reelay/contracts';
import {
  implementTask,
  onShutdownSignal,
  parseEnvOrExit,
  startServiceRuntime,
  systemTaskImplementations,
  Worker,
  workerTasks,
  recycleOptions,
} from '@reelay/runtime';
import { SchedulerEnv } from './config.js';
import { DeadLetterKeeper } from './dead-letters/dead-letter-keeper.js';
import { DelayedReleaser } from './delayed/delayed-releaser.js';
import { LeaderLease } from './leadership/leader-lease.js';
import { registerBuiltInSchedules } from './schedules/built-in-schedules.js';
import { ScheduleRunner } from './schedules/schedule-runner.js';
import { ScheduleStore } from './schedules/schedule-store.js';
import { artifactCleanup } from './upkeep/artifact-cleanup.js';
import { dlqSummary } from './upkeep/dlq-summary.js';
import { SystemEvents } from './upkeep/system-events.js';
import { workerHealth } from './upkeep/worker-health.js';
import { startWorkflowEngine } from './workflows/engine.js';

const config = parseEnvOrExit(SchedulerEnv, process.env, 'scheduler');
const runtime = await startServiceRuntime('scheduler', config);
const { ctx, logger, buckets } = runtime;
const instanceId = `scheduler-${os.hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`;

const events = new SystemEvents(ctx, logger, config.ALERT_WEBHOOK_URL);
// The `system` queue: system.noop/sleep and the upkeep tasks the built-in schedules
// enqueue, through the public worker API like any custom worker (the worker parses each
// job's input against its definition before the handler runs). Cleanup gets the whole
// artifact store for the system project's sweep alone (see upkeep-scope.ts); every other
// project's cleanup goes through the job's own ctx.artifacts.
const { handlers, tasks } = workerTasks([
  ...systemTaskImplementations,
  implementTask(upkeepTasks['system.cleanup'], artifactCleanup(runtime.artifacts)),
  implementTask(upkeepTasks['system.dlq-summary'], dlqSummary(ctx, events)),
  implementTask(upkeepTasks['system.health-check'], workerHealth(buckets.workers, events)),
]);
const worker = new Worker(runtime.workerDeps, {
  service: 'scheduler',
  ...recycleOptions(config),
  queues: ['system'],
  concurrency: config.SYSTEM_CONCURRENCY,
  handlers,
  tasks,
  ackWaitMs: config.ACK_WAIT_MS,
  shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
});
await worker.start();

const releaser = new DelayedReleaser(ctx, logger, { maxNakMs: config.DELAYED_MAX_NAK_MS, maxPending: config.DELAYED_MAX_PENDING });
await releaser.start();

const keeper = new DeadLetterKeeper({ ctx, jobs: runtime.jobs, locks: buckets.locks, log: logger });
keeper.start();

const store = new ScheduleStore(buckets.schedules);
await registerBuiltInSchedules(store, config, logger);
const lease = new LeaderLease(buckets.locks, instanceId, logger, config.LEADER_RENEW_MS);
const schedules = new ScheduleRunner(
  { kv: buckets.schedules, store, jobs: runtime.jobs, lease, log: logger },
  { tickMs: config.SCHEDULE_TICK_MS, catchupMs: config.SCHEDULE_CATCHUP_MS },
);
await schedules.start();
await lease.start();

const workflows = await startWorkflowEngine(runtime, { dueGraceMs: config.WORKFLOW_DUE_GRACE_MS });

logger.info({ instance: instanceId, leader: lease.isLeader }, 'scheduler ready');
onShutdownSignal(logger, async () => {
  // Step down first, so another replica starts firing schedules without waiting for the TTL.
  await lease.stop();
  await schedules.stop();
  await workflows.stop();
  await releaser.stop();
  await keeper.stop();
  await worker.stop();
  await runtime.close();
});
