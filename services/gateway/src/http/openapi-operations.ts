import type { JsonSchema } from './openapi-tasks.js';

/**
 * What the OpenAPI document says about particular operations, by operationId, beyond
 * what the routes' zod schemas give: transports the schemas cannot express (an upload
 * body, a byte-range download, SSE, the WebSocket), answers without a schema, the error
 * answers only some routes give, and request examples. Documentation only; openapi.ts
 * applies it and refuses an operationId that no route has.
 */
export interface OperationDocs {
  description?: string;
  /** Success responses replacing the generated ones (status → Response Object). */
  responses?: Record<string, JsonSchema>;
  /** Descriptions for generated success responses, by status. */
  answers?: Record<string, string>;
  /** Error answers particular to this operation, or said more precisely: status → when. */
  errors?: Record<string, string>;
  /** Replaces the security the route's config implies. */
  security?: Record<string, string[]>[];
  requestBody?: JsonSchema;
  parameters?: JsonSchema[];
  /** Named examples of the JSON request body. */
  examples?: Record<string, { summary: string; value: unknown }>;
  extensions?: Record<`x-${string}`, unknown>;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const binary = { type: 'string', format: 'binary' };

/** A Server-Sent Events answer: the schema describes one event; `data` is one line of JSON of a named schema. */
function sseResponses(fields: { id: object; event: object; data: { schema: string; description: string } }) {
  return {
    200: {
      description: 'An event stream; the schema describes one event',
      content: {
        'text/event-stream': {
          schema: {
            type: 'object',
            properties: {
              id: fields.id,
              event: fields.event,
              data: {
                type: 'string',
                contentMediaType: 'application/json',
                contentSchema: ref(fields.data.schema),
                description: fields.data.description,
              },
              retry: { type: 'integer', description: 'Reconnect delay in ms; sent once, before the first event.' },
            },
          },
        },
      },
    },
  };
}

/** An artifact id in the shape inputs accept. */
const ARTIFACT_ID = '0196f0c1-2a3b-7c4d-8e5f-6a7b8c9d0e1f';

const thumbnailsJob = {
  type: 'media.thumbnails',
  input: { artifactId: ARTIFACT_ID, count: 6, format: 'webp', width: 640 },
  priority: 7,
  labels: { campaign: 'spring' },
};

export const operationDocs: Record<string, OperationDocs> = {
  checkLiveness: {
    responses: { 200: okResponse('The process is alive') },
  },
  checkReadiness: {
    responses: { 200: okResponse('NATS is reachable and every stream exists') },
    errors: { 503: 'Not ready: NATS is unreachable or a stream is missing (UNAVAILABLE).' },
  },
  getMetrics: {
    responses: {
      200: {
        description: 'Prometheus text exposition format',
        content: { 'text/plain': { schema: { type: 'string' } } },
      },
    },
  },

  submitJob: {
    description: [
      'Queues one job, or schedules it when `runAt` or `delayMs` is given. The body is one of the built-in',
      'task types (each with its own `input` schema) or a type a worker registered (its input is checked',
      'against the registered schema; GET /v1/tasks lists them).',
      '',
      'With an `Idempotency-Key` header a retried submit returns the job the key first created (200) instead',
      'of queueing another (202).',
    ].join('\n'),
    answers: { 200: 'The idempotency key already named a job: that job, unchanged', 202: 'Queued, or scheduled for later' },
    examples: {
      thumbnails: { summary: 'A built-in task: six thumbnails of an uploaded video', value: thumbnailsJob },
      delayed: {
        summary: 'A delayed job with its own attempt budget',
        value: { type: 'system.sleep', input: { ms: 500 }, delayMs: 60_000, maxAttempts: 3 },
      },
      custom: {
        summary: 'A custom task type a worker registered',
        value: { type: 'acme.resize', input: { artifactId: ARTIFACT_ID, width: 1080 }, project: 'acme' },
      },
    },
  },
  listJobs: { answers: { 200: 'Jobs, newest first; pass nextCursor as cursor for the next page' } },
  getJob: { answers: { 200: 'The job record' } },
  cancelJob: {
    description: 'A queued or scheduled job is cancelled at once; a running one is asked to stop (its handler’s signal fires).',
    answers: { 202: 'Cancelled, or cancellation requested' },
    errors: { 409: 'The job has already finished (CONFLICT).' },
  },
  waitForJob: {
    answers: { 200: 'The finished job' },
    errors: { 408: 'The job did not finish within timeoutMs (TIMEOUT); wait again or follow its events.' },
  },
  listDelayedJobs: { answers: { 200: 'Jobs waiting for their runAt, soonest first' } },
  streamWorkflowEvents: {
    description: [
      'Server-Sent Events of one workflow: its view at once, then the view again each time its status,',
      'progress or a step’s state or progress moves (pushed from the workflow’s record and its step jobs’',
      'events, not polled). Each event is `id: <n>`, `event: workflow` and `data: <Workflow as JSON>`; the',
      'stream opens with `retry: 1000`, sends a `: keep-alive` comment every 15 s and ends after the view',
      'whose status is no longer running. Every event is a whole view: a client that reconnects needs no',
      'Last-Event-ID, the first event it gets is the current state.',
      '',
      'EventSource cannot set headers: pass the key as `?access_token=` here.',
    ].join('\n'),
    responses: sseResponses({
      id: { type: 'string', pattern: '^\\d+$', description: 'The event’s number on this connection.' },
      event: { type: 'string', enum: ['workflow'] },
      data: { schema: 'Workflow', description: 'The workflow’s view after the change, one line of JSON.' },
    }),
  },
  streamJobEvents: {
    description: [
      'Server-Sent Events of one job: its latest event first, then every state change and progress report.',
      'Each event is `id: <seq>`, `event: state|progress` and `data: <JobEvent as JSON>`; the stream opens with',
      '`retry: 1000` and sends a `: keep-alive` comment every 15 s. It ends after the job reaches a terminal',
      'state. A client that reconnects with `Last-Event-ID` gets exactly the events it missed',
      '(`Last-Event-ID: 0` replays the job’s whole history).',
      '',
      'EventSource cannot set headers: pass the key as `?access_token=` here (and only here and on /v1/ws).',
    ].join('\n'),
    responses: sseResponses({
      id: {
        type: 'string',
        pattern: '^\\d+$',
        description: 'The event’s sequence in the EVENTS stream: send it back as Last-Event-ID to resume after it.',
      },
      event: {
        type: 'string',
        enum: ['state', 'progress'],
        description: 'state: the job changed status; progress: a progress report.',
      },
      data: { schema: 'JobEvent', description: 'The event, one line of JSON: `{kind, job}` with the job record after the change.' },
    }),
  },
  connectJobSocket: {
    description: [
      'One WebSocket, many jobs. Connect with an Upgrade request (`Connection: Upgrade`, `Upgrade: websocket`);',
      'the key goes in `Authorization: Bearer`, or, from a browser, as `?access_token=`. Then JSON text frames:',
      '',
      'Client → server (`WsClientMessage`):',
      '- `{"type":"subscribe","jobIds":[…]}` (1–1,000 job ids): each job’s current record at once, then every change.',
      '- `{"type":"unsubscribe","jobIds":[…]}`: stop watching them.',
      '- `{"type":"ping"}`: answered with `{"type":"pong"}`.',
      '',
      'Server → client (`WsServerMessage`):',
      '- `{"type":"job","job":{…}}`: a job record (the `Job` schema), on subscribe and on every change.',
      '- `{"type":"pong"}`',
      '- `{"type":"error","error":{"code":"…","message":"…"}}`: a bad frame (`INVALID_INPUT`), a job the key',
      '  cannot see (`NOT_FOUND`), the job store unreachable (`UNAVAILABLE`). The socket stays open.',
      '',
      'At most 1,000 jobs per socket and 64 KiB per frame; frames are handled one at a time, in order, and',
      'binary frames are refused. Finished jobs stay watched: a requeue from the DLQ brings them back.',
    ].join('\n'),
    responses: {
      101: {
        description: 'Switching Protocols: the socket is open and speaks the messages above',
        headers: {
          Upgrade: { schema: { type: 'string', const: 'websocket' } },
          Connection: { schema: { type: 'string', const: 'Upgrade' } },
          'Sec-WebSocket-Accept': { schema: { type: 'string' } },
        },
      },
    },
    errors: { 400: 'A plain GET without an Upgrade: this route speaks WebSocket (INVALID_INPUT).' },
    extensions: {
      // Not walked by OpenAPI tools, but it ties the frames to their schemas for readers and generators.
      'x-websocket': { clientMessages: ref('WsClientMessage'), serverMessages: ref('WsServerMessage') },
    },
  },

  submitBatch: {
    description: 'Validates every item before queueing any: one bad item queues nothing. All items belong to one project.',
    answers: { 202: 'Queued: the batch id and its job ids, in item order' },
    examples: {
      thumbnailsAndHashtags: {
        summary: 'Two built-in tasks in one request',
        value: {
          items: [
            thumbnailsJob,
            { type: 'ai.hashtags', input: { text: 'Three octopus facts that sound made up', count: 5, platform: 'tiktok' } },
          ],
        },
      },
    },
  },
  getBatch: { answers: { 200: 'The batch with its jobs counted by state' } },

  listQueues: { answers: { 200: 'Every queue with its per-band figures' } },
  getQueue: { answers: { 200: 'The queue' } },
  pauseQueue: { answers: { 200: 'The queue, paused' } },
  resumeQueue: { answers: { 200: 'The queue, taking jobs again' } },
  purgeQueue: { answers: { 200: 'How many waiting jobs were dropped' } },
  listWorkers: { answers: { 200: 'Live workers' } },

  listDeadLetters: { answers: { 200: 'Dead jobs, newest first, with their last errors' } },
  requeueDeadLetter: { answers: { 202: 'The job, queued again under the same id with its attempts reset' } },
  deleteDeadLetter: { responses: { 204: { description: 'Discarded' } } },
  requeueDeadLetters: {
    description:
      'Every filter given must match; none given matches every dead letter of the key’s projects. At most `limit` (oldest first) per call: `truncated` says more matched. A key only ever reaches its own projects’ dead letters. `dryRun: true` answers with the same items and changes nothing.',
    answers: { 200: 'What matched, and what happened to each (`matched` in a dry run)' },
    errors: { 403: 'The filter names a project this key may not use (FORBIDDEN).' },
    examples: {
      lastDay: { summary: 'The reels system’s requeue?max_age_hours=24, counted first', value: { maxAgeHours: 24, dryRun: true } },
      providerErrors: { summary: 'AI jobs that died of a provider error', value: { queue: 'ai', errorCode: 'PROVIDER_ERROR' } },
    },
  },
  discardDeadLetters: {
    description: 'The same filter as requeueDeadLetters. A dead letter that arrives for a job after it was read is kept.',
    answers: { 200: 'What matched, and what was discarded' },
    errors: { 403: 'The filter names a project this key may not use (FORBIDDEN).' },
    examples: { oldPermanent: { summary: 'Permanent failures older than a week', value: { reason: 'permanent', minAgeHours: 168 } } },
  },
  drainWorker: {
    answers: { 202: 'The worker’s answer: it takes no new jobs; `running` are finishing' },
    errors: { 404: 'No live worker has this id (NOT_FOUND).', 503: 'The worker did not answer in time (UNAVAILABLE).' },
  },
  resumeWorker: {
    answers: { 202: 'The worker’s answer: it takes jobs again' },
    errors: {
      404: 'No live worker has this id (NOT_FOUND).',
      409: 'The worker is shutting down and cannot resume (CONFLICT).',
      503: 'The worker did not answer in time (UNAVAILABLE).',
    },
  },
  shutdownWorker: {
    description:
      'As on SIGTERM: running jobs get SHUTDOWN_GRACE_MS, then are handed back without spending an attempt; the process exits 0 and its supervisor (Kubernetes, compose, the start script) starts a fresh one.',
    answers: { 202: 'The worker’s answer, sent before it leaves' },
    errors: { 404: 'No live worker has this id (NOT_FOUND).', 503: 'The worker did not answer in time (UNAVAILABLE).' },
  },
  listAuditRecords: {
    description:
      'One record per state-changing request (and per refused one): action, outcome, key name, project, target, time. Oldest first from `since` (or the start of the log); pass `nextCursor` back as `cursor` for the next page.',
    answers: { 200: 'Audit records and the cursor of the next page' },
  },

  uploadArtifact: {
    requestBody: {
      required: true,
      description: 'The file, streamed; its Content-Type is stored with it. Past ARTIFACT_MAX_BYTES the upload is cut off with 413.',
      content: { '*/*': { schema: binary } },
    },
    answers: { 201: 'Stored: reference it by id in task inputs' },
    errors: { 413: 'The file is larger than ARTIFACT_MAX_BYTES (PAYLOAD_TOO_LARGE); nothing is kept.' },
  },
  downloadArtifact: {
    description: 'Either a key with jobs:read, or a signed link (`expires` and `sig`, made by the gateway) without one.',
    // A signed link needs no key: the route is public to the auth hook and checks either itself.
    security: [{}, { apiKey: [] }],
    parameters: [
      {
        in: 'header',
        name: 'Range',
        required: false,
        description: 'One byte range, `bytes=<start>-<end>` (either end may be left out).',
        schema: { type: 'string', pattern: '^bytes=\\d*-\\d*$' },
      },
    ],
    responses: {
      200: { description: 'The whole file', headers: fileHeaders(false), content: { '*/*': { schema: binary } } },
      206: { description: 'The requested range', headers: fileHeaders(true), content: { '*/*': { schema: binary } } },
    },
    errors: {
      403: 'The signed link is invalid or has expired, or the key lacks jobs:read (FORBIDDEN).',
      416: 'The range lies outside the file (RANGE_NOT_SATISFIABLE); Content-Range says its size.',
    },
  },

  submitWorkflow: {
    description:
      'A DAG of steps (each a task type and input, which may `$ref` an upstream step’s result), or a preset such as `{"preset":"reel"}`; docs/workflows.md has the semantics.',
    answers: { 202: 'Accepted: the first steps are queued' },
    examples: {
      narrate: {
        summary: 'Script → voice → captions, each step reading the one before',
        value: {
          name: 'narrate',
          steps: [
            { id: 'script', type: 'ai.script', input: { topic: 'octopus hearts' } },
            { id: 'tts', type: 'ai.tts', dependsOn: ['script'], input: { script: { $ref: 'script.result' } } },
            { id: 'captions', type: 'ai.captions', dependsOn: ['tts'], input: { sentences: { $ref: 'tts.result.sentences' } } },
          ],
          onError: { type: 'publish.webhook', input: { url: 'https://hooks.acme.test/reelay', payload: {} } },
        },
      },
      reel: {
        summary: 'The reel preset: script, voice, captions, render, thumbnails and a publish per target',
        value: { preset: 'reel', topic: 'octopus hearts', platforms: ['tiktok'], targets: [{ type: 'folder', dir: '/srv/reels' }] },
      },
    },
  },
  getWorkflow: { answers: { 200: 'Every step, overall status and progress' } },
  cancelWorkflow: { answers: { 202: 'Cancelled' }, errors: { 409: 'The workflow is not running (CONFLICT).' } },
  retryWorkflow: { answers: { 202: 'Running again' }, errors: { 409: 'Only failed or cancelled workflows retry (CONFLICT).' } },

  listSchedules: { answers: { 200: 'The schedules the key can see' } },
  createSchedule: {
    answers: { 201: 'Created' },
    errors: { 409: 'A schedule with this id exists (CONFLICT).' },
    examples: {
      nightly: {
        summary: 'Every night at 03:00 Berlin time, skipping a tick while the last job still runs',
        value: {
          id: 'nightly-hashtags',
          spec: { cron: '0 3 * * *', timezone: 'Europe/Berlin' },
          job: { type: 'ai.hashtags', input: { text: 'Today’s top clip', platform: 'instagram' } },
          overlap: 'skip',
        },
      },
      hourly: {
        summary: 'Every hour, a webhook',
        value: {
          spec: { everyMs: 3_600_000 },
          job: { type: 'publish.webhook', input: { url: 'https://hooks.acme.test/tick', payload: { source: 'reelay' } } },
        },
      },
    },
  },
  getSchedule: { answers: { 200: 'The schedule and what the scheduler has done with it' } },
  deleteSchedule: {
    responses: { 204: { description: 'Deleted' } },
    errors: { 409: 'A built-in schedule cannot be deleted: pause it instead (CONFLICT).' },
  },
  pauseSchedule: {
    answers: { 200: 'The schedule, paused' },
    errors: { 409: 'The schedule kept changing while being paused; try again (CONFLICT).' },
  },
  resumeSchedule: {
    answers: { 200: 'The schedule, firing again' },
    errors: { 409: 'The schedule kept changing while being resumed; try again (CONFLICT).' },
  },

  listTasks: { answers: { 200: 'Every task type with its schemas, queue, policies and live workers' } },
  getTask: { answers: { 200: 'The task type' } },

  createSession: {
    description: [
      'The dashboard’s sign-in. The key travels once, in this body; the answer sets `reelay_session`',
      '(HttpOnly, SameSite=Strict, signed; Secure over HTTPS) and carries the `csrfToken` to send as',
      '`x-csrf-token` on every request made with the cookie that changes something. A wrong key answers',
      '401 UNAUTHENTICATED and counts as a failed authentication (429 past the limit).',
    ].join(' '),
    answers: { 200: 'Signed in: who the key is, its projects and the CSRF token' },
  },
  getSession: { answers: { 200: 'The session the cookie carries, or `{}` when there is none (or it expired)' } },
  deleteSession: { responses: { 204: { description: 'Signed out: the cookie is cleared' } } },
  getThroughput: { answers: { 200: 'One bucket per minute, oldest first, empty minutes included' } },
};

function okResponse(description: string): JsonSchema {
  return {
    description,
    content: {
      'application/json': {
        schema: { type: 'object', properties: { ok: { type: 'boolean', const: true } }, required: ['ok'] },
      },
    },
  };
}

function fileHeaders(partial: boolean): JsonSchema {
  return {
    'Content-Length': { schema: { type: 'integer' } },
    'Accept-Ranges': { schema: { type: 'string', const: 'bytes' } },
    'Content-Disposition': { schema: { type: 'string' }, description: '`inline; filename="<name>"`' },
    ...(partial ? { 'Content-Range': { schema: { type: 'string' }, description: '`bytes <start>-<end>/<size>`' } } : {}),
  };
}
