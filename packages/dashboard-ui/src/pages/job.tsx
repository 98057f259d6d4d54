import { useLocation } from 'preact-iso';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { findArtifacts } from '../artifacts';
import { Action, ErrorNote, Json, Progress, Status, Table, usePoll } from '../components';
import { type JobEvent, type JobRecord, type SessionView, TERMINAL } from '../contracts';
import { bytes, json, shortId, time } from '../format';
import { followJob } from '../job-events';
import { watchJobs } from '../live';

interface TimelineEntry {
  seq: number;
  at: string;
  kind: JobEvent['kind'];
  status: string;
  progress: number;
  stage?: string | undefined;
}

/** One job: what it was given, what it made or why it failed, each attempt, its history live, and what can be done with it. */
export function JobPage({ id, session }: { id: string; session: SessionView }) {
  const { route } = useLocation();
  const loaded = usePoll(() => api<JobRecord>(`/v1/jobs/${encodeURIComponent(id)}`), 0, [id]);
  const [job, setJob] = useState<JobRecord | undefined>(undefined);
  const [timeline, setTimeline] = useState<TimelineEntry[]>([]);
  const [streamError, setStreamError] = useState<unknown>(undefined);
  const [run, setRun] = useState(0);

  useEffect(() => setJob(loaded.data), [loaded.data]);
  const newer = (j: JobRecord) => setJob((cur) => (!cur || cur.updatedAt <= j.updatedAt ? j : cur));
  useEffect(() => (loaded.data ? watchJobs([id], newer) : undefined), [id, loaded.data]);
  useEffect(() => {
    if (!loaded.data) return;
    setTimeline([]);
    return followJob(
      id,
      (e, seq) => {
        newer(e.job);
        setTimeline((t) =>
          t.some((x) => x.seq === seq)
            ? t
            : [...t, { seq, at: e.job.updatedAt, kind: e.kind, status: e.job.status, progress: e.job.progress, stage: e.job.stage }],
        );
      },
      setStreamError,
    );
  }, [id, loaded.data, run]);

  if (loaded.error) return <ErrorNote error={loaded.error} />;
  if (!job) return <p class="loading">Loading…</p>;

  const canWrite = session.scopes.includes('jobs:write') || session.scopes.includes('admin');
  const finished = TERMINAL.includes(job.status);
  const artifacts = findArtifacts(job.result);
  const traceUrl = job.traceId && session.traceUrlTemplate ? session.traceUrlTemplate.replaceAll('{traceId}', job.traceId) : undefined;

  const resubmit = async (input: unknown) => {
    const body = {
      type: job.type,
      input,
      project: job.project,
      priority: job.priority,
      ...(job.labels ? { labels: job.labels } : {}),
    };
    const created = await api<{ id: string }>('/v1/jobs', { method: 'POST', body });
    route(`/dashboard/jobs/${created.id}`);
  };
  /** A failed job sits in the dead-letter queue: it runs again there, keeping its id and history. */
  const requeue = async (input?: unknown) => {
    const updated = await api<JobRecord>(`/v1/dlq/${job.id}/requeue`, {
      method: 'POST',
      body: input === undefined ? {} : { input },
    });
    newer(updated);
    setRun((r) => r + 1);
  };

  return (
    <section>
      <p class="crumbs">
        <a href="/dashboard/jobs">Jobs</a> / <span class="mono">{job.id}</span>
      </p>
      <h1>
        {job.type} <Status value={job.status} />
      </h1>
      <Progress value={job.progress} stage={job.stage} />
      {canWrite ? (
        <div class="row actions">
          {!finished ? (
            <Action
              label="Cancel"
              kind="danger"
              confirm={`Cancel job ${shortId(job.id)} (${job.type})?`}
              run={() => api(`/v1/jobs/${job.id}/cancel`, { method: 'POST' })}
            />
          ) : null}
          {job.status === 'failed' ? <Action label="Retry" kind="primary" run={() => requeue()} /> : null}
          {job.status === 'succeeded' || job.status === 'cancelled' ? <Action label="Run again" run={() => resubmit(job.input)} /> : null}
        </div>
      ) : null}

      <dl class="facts">
        <dt>Queue</dt>
        <dd>
          {job.queue} · priority {job.priority}
        </dd>
        <dt>Project</dt>
        <dd>{job.project}</dd>
        <dt>Attempts</dt>
        <dd>
          {job.attempts} of {job.maxAttempts}
          {job.freeRedeliveries ? ` (+${job.freeRedeliveries} free)` : ''}
        </dd>
        <dt>Created</dt>
        <dd>{time(job.createdAt)}</dd>
        <dt>Started</dt>
        <dd>{time(job.startedAt)}</dd>
        <dt>Finished</dt>
        <dd>{time(job.finishedAt)}</dd>
        {job.runAt ? (
          <>
            <dt>Runs at</dt>
            <dd>{time(job.runAt)}</dd>
          </>
        ) : null}
        <dt>Worker</dt>
        <dd class="mono">{job.workerId ?? '—'}</dd>
        {job.labels ? (
          <>
            <dt>Labels</dt>
            <dd>
              {Object.entries(job.labels).map(([k, v]) => (
                <span key={k} class="chip">
                  {k}={v}
                </span>
              ))}
            </dd>
          </>
        ) : null}
        {job.workflowId ? (
          <>
            <dt>Workflow</dt>
            <dd>
              <a href={`/dashboard/workflows/${job.workflowId}`}>{job.workflowId}</a> · step {job.stepId}
            </dd>
          </>
        ) : null}
        {job.batchId ? (
          <>
            <dt>Batch</dt>
            <dd class="mono">{job.batchId}</dd>
          </>
        ) : null}
        <dt>Trace</dt>
        <dd>
          {traceUrl ? (
            <a href={traceUrl} target="_blank" rel="noreferrer noopener">
              {job.traceId}
            </a>
          ) : (
            <span class="mono">{job.traceId ?? '—'}</span>
          )}
        </dd>
      </dl>

      <div class="cols">
        <div>
          <h2>Input</h2>
          <Json value={job.input} label="Input" />
          {canWrite && finished ? (
            <EditInput job={job} onRun={(input) => (job.status === 'failed' ? requeue(input) : resubmit(input))} />
          ) : null}
        </div>
        <div>
          <h2>Output</h2>
          <Json value={job.result} label="Output" />
        </div>
      </div>

      {job.error ? (
        <>
          <h2>Error</h2>
          <p class="error-note">
            <strong>{job.error.code}</strong>: {job.error.message}
          </p>
        </>
      ) : null}
      {job.errors.length > 0 ? (
        <>
          <h2>Attempts</h2>
          <Table label="Failed attempts">
            <thead>
              <tr>
                <th>Attempt</th>
                <th>When</th>
                <th>Code</th>
                <th>Message</th>
                <th>Retryable</th>
                <th>Worker</th>
              </tr>
            </thead>
            <tbody>
              {job.errors.map((e) => (
                <tr key={`${e.attempt}-${e.at}`}>
                  <td>{e.attempt}</td>
                  <td>{time(e.at)}</td>
                  <td>{e.code}</td>
                  <td>{e.message}</td>
                  <td>{e.retryable ? 'yes' : 'no'}</td>
                  <td class="mono small">{e.workerId ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </Table>
        </>
      ) : null}

      {artifacts.length > 0 ? (
        <>
          <h2>Artifacts</h2>
          <div class="artifacts">
            {artifacts.map((a) => {
              const src = `/v1/artifacts/${encodeURIComponent(a.id)}`;
              return (
                <figure key={a.id} class="artifact">
                  {a.contentType.startsWith('video/') ? (
                    // biome-ignore lint/a11y/useMediaCaption: job outputs carry no caption track
                    <video controls preload="metadata" src={src} />
                  ) : a.contentType.startsWith('image/') ? (
                    <img src={src} alt={a.name} loading="lazy" />
                  ) : a.contentType.startsWith('audio/') ? (
                    // biome-ignore lint/a11y/useMediaCaption: job outputs carry no caption track
                    <audio controls preload="metadata" src={src} />
                  ) : null}
                  <figcaption>
                    <a href={src} download={a.name}>
                      {a.name}
                    </a>{' '}
                    <span class="muted small">
                      {a.contentType} · {bytes(a.size)}
                    </span>
                  </figcaption>
                </figure>
              );
            })}
          </div>
        </>
      ) : null}

      <h2>Timeline</h2>
      <ErrorNote error={streamError} />
      <Table label="Timeline">
        <thead>
          <tr>
            <th>When</th>
            <th>Event</th>
            <th>Status</th>
            <th>Progress</th>
          </tr>
        </thead>
        <tbody>
          {timeline.map((t) => (
            <tr key={t.seq}>
              <td>{time(t.at)}</td>
              <td>{t.kind}</td>
              <td>
                <Status value={t.status} />
              </td>
              <td>
                {Math.round(t.progress)}%{t.stage ? ` · ${t.stage}` : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
    </section>
  );
}

function EditInput({ job, onRun }: { job: JobRecord; onRun: (input: unknown) => Promise<unknown> }) {
  const [text, setText] = useState(json(job.input));
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    let input: unknown;
    try {
      input = JSON.parse(text);
    } catch (err) {
      setError(new Error(`not JSON: ${(err as Error).message}`));
      return;
    }
    setBusy(true);
    try {
      await onRun(input);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <details class="edit">
      <summary>{job.status === 'failed' ? 'Requeue with edited input' : 'Run again with edited input'}</summary>
      <form onSubmit={submit}>
        <label>
          Input (JSON)
          <textarea name="input" rows={8} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
        </label>
        <button type="submit" class="primary" disabled={busy}>
          {job.status === 'failed' ? 'Requeue' : 'Submit'}
        </button>
        <ErrorNote error={error} />
      </form>
    </details>
  );
}
