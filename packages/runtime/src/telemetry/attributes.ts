/** Span attribute names in one place (OpenTelemetry messaging conventions + ours). */
export const Attr = {
  messagingSystem: 'messaging.system',
  messagingDestination: 'messaging.destination.name',
  messagingOperationType: 'messaging.operation.type',
  messagingOperationName: 'messaging.operation.name',
  messagingMessageId: 'messaging.message.id',
  messagingConsumerGroup: 'messaging.consumer.group.name',
  jobId: 'reelay.job.id',
  jobType: 'reelay.job.type',
  jobAttempt: 'reelay.job.attempt',
  jobProject: 'reelay.job.project',
  workflowId: 'reelay.workflow.id',
  stepId: 'reelay.workflow.step',
  childCommand: 'process.command',
  childPid: 'process.pid',
  childExitCode: 'process.exit.code',
} as const;
