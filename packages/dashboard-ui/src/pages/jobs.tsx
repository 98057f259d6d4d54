import { useLocation } from 'preact-iso';
import { useEffect, useState } from 'preact/hooks';
import { api, query } from '../api';
import { ErrorNote, Progress, Status, Table, usePoll } from '../components';
import {
  JOB_STATUSES,
  type JobCountsResponse,
  type JobRecord,
  type JobStatus,
  type ListJobsResponse,
  type SessionView,
  type TaskView,
} from '../contracts';
import { ago, shortId } from '../format';
import { applyUpdate, type JobFilter } from '../job-filter';
import { watchJobs } from '../live';

const PAGE = 50;

/** Jobs, newest first: filters in the URL (so a link or a reload keeps them), paging by cursor, live rows. */
export function Jobs({ session }: { session: SessionView }) {
  const { query: q, path, route } = useLocation();
  const filter: JobFilter = {
    status: (JOB_STATUSES as readonly string[]).includes(q.status ?? '') ? (q.status as JobStatus) : undefined,
    type: q.type || undefined,
    project: q.project || undefined,
    queue: q.queue || undefined,
    label: q.label || undefined,
    errorCode: q.errorCode || undefined,
    workflowId: q.workflowId || undefined,
    batchId: q.batchId || undefined,
    createdAfter: q.createdAfter || undefined,
    createdBefore: q.createdBefore || undefined,
  };
  const cursor = q.cursor || undefined;
  const key = JSON.stringify([filter, cursor]);
  const list = usePoll(() => api<ListJobsResponse>(`/v1/jobs${query({ ...filter, limit: PAGE, cursor })}`), 0, [key]);
  const tasks = usePoll(() => api<{ items: TaskView[] }>('/v1/tasks'), 0);
  const { status: _status, ...countFilter } = filter;
  const counts = usePoll(() => api<JobCountsResponse>(`/v1/jobs/counts${query({ ...countFilter })}`), 5_000, [key]);
  const [rows, setRows] = useState<JobRecord[]>([]);
  const [history, setHistory] = useState<string[]>([]);

  useEffect(() => setRows(list.data?.items ?? []), [list.data]);
  const ids = rows.map((r) => r.id).join(',');
  useEffect(() => {
    if (!ids) return;
    return watchJobs(ids.split(','), (job) => setRows((current) => applyUpdate(current, job, filter)));
  }, [ids, key]);

  const go = (next: Record<string, string | undefined>) => route(`${path}${query(next)}`);
  const setFilter = (name: keyof JobFilter, value: string) => {
    setHistory([]);
    go({ ...filter, [name]: value || undefined });
  };
  const projects = session.projects.includes('*') ? undefined : session.projects;

  return (
    <section>
      <h1>Jobs</h1>
      {/* Uncontrolled inputs, re-made when the filter changes: a live re-render never clears what is being typed. */}
      <form key={key} class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter jobs">
        <label>
          Status
          <select name="status" value={filter.status ?? ''} onChange={(e) => setFilter('status', (e.target as HTMLSelectElement).value)}>
            <option value="">any</option>
            {JOB_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Type
          <input
            name="type"
            list="task-types"
            defaultValue={filter.type ?? ''}
            onChange={(e) => setFilter('type', (e.target as HTMLInputElement).value.trim())}
          />
          <datalist id="task-types">
            {(tasks.data?.items ?? []).map((t) => (
              <option key={t.type} value={t.type} />
            ))}
          </datalist>
        </label>
        {projects ? (
          <label>
            Project
            <select
              name="project"
              value={filter.project ?? ''}
              onChange={(e) => setFilter('project', (e.target as HTMLSelectElement).value)}
            >
              <option value="">all mine</option>
              {projects.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <label>
            Project
            <input
              name="project"
              defaultValue={filter.project ?? ''}
              onChange={(e) => setFilter('project', (e.target as HTMLInputElement).value.trim())}
            />
          </label>
        )}
        <label>
          Queue
          <input
            name="queue"
            defaultValue={filter.queue ?? ''}
            onChange={(e) => setFilter('queue', (e.target as HTMLInputElement).value.trim())}
          />
        </label>
        <label>
          Label (key:value)
          <input
            name="label"
            placeholder="campaign:spring"
            defaultValue={filter.label ?? ''}
            onChange={(e) => setFilter('label', (e.target as HTMLInputElement).value.trim())}
          />
        </label>
        <label>
          Error code
          <input
            name="errorCode"
            placeholder="PROVIDER_ERROR"
            defaultValue={filter.errorCode ?? ''}
            onChange={(e) => setFilter('errorCode', (e.target as HTMLInputElement).value.trim().toUpperCase())}
          />
        </label>
        <label>
          Created after
          <input
            type="datetime-local"
            name="createdAfter"
            defaultValue={toLocalInput(filter.createdAfter)}
            onChange={(e) => setFilter('createdAfter', fromLocalInput((e.target as HTMLInputElement).value))}
          />
        </label>
        <label>
          Created before
          <input
            type="datetime-local"
            name="createdBefore"
            defaultValue={toLocalInput(filter.createdBefore)}
            onChange={(e) => setFilter('createdBefore', fromLocalInput((e.target as HTMLInputElement).value))}
          />
        </label>
        <label>
          Go to job id
          <input
            name="jobId"
            placeholder="job id"
            onKeyDown={(e) => {
              const v = (e.target as HTMLInputElement).value.trim();
              if (e.key === 'Enter' && v) route(`/dashboard/jobs/${encodeURIComponent(v)}`);
            }}
          />
        </label>
      </form>
      {filter.batchId || filter.workflowId ? (
        <p>
          <span class="chip">{filter.batchId ? `batch ${filter.batchId}` : `workflow ${filter.workflowId}`}</span>{' '}
          <button type="button" onClick={() => go({ ...filter, batchId: undefined, workflowId: undefined })}>
            Show all jobs
          </button>
        </p>
      ) : null}
      <ErrorNote error={list.error} />
      {counts.data ? (
        <p class="counts">
          {counts.data.total} {counts.data.total === 1 ? 'job matches' : 'jobs match'} the other filters
          {JOB_STATUSES.filter((s) => (counts.data?.byStatus[s] ?? 0) > 0).map((s) => (
            <span key={s}>
              {' · '}
              <Status value={s} /> {counts.data?.byStatus[s]}
            </span>
          ))}
        </p>
      ) : null}
      <Table label="Jobs">
        <thead>
          <tr>
            <th>Job</th>
            <th>Type</th>
            <th>Status</th>
            <th>Progress</th>
            <th>Project</th>
            <th>Attempts</th>
            <th>Error</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {list.data && rows.length === 0 ? (
            <tr>
              <td colSpan={8} class="muted">
                No jobs match.
              </td>
            </tr>
          ) : null}
          {rows.map((j) => (
            <tr key={j.id} data-job-id={j.id} data-status={j.status}>
              <td>
                <a class="mono" href={`/dashboard/jobs/${j.id}`}>
                  {shortId(j.id)}
                </a>
              </td>
              <td>{j.type}</td>
              <td>
                <Status value={j.status} />
              </td>
              <td class="wide">
                <Progress value={j.progress} stage={j.stage} />
              </td>
              <td>{j.project}</td>
              <td>
                {j.attempts}/{j.maxAttempts}
              </td>
              <td class="small">{j.error?.code ?? ''}</td>
              <td>{ago(j.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </Table>
      <div class="row pager">
        <button
          type="button"
          disabled={!cursor}
          onClick={() => {
            const prev = history.slice(0, -1);
            setHistory(prev);
            go({ ...filter, cursor: history.at(-1) || undefined });
          }}
        >
          Newer
        </button>
        <button
          type="button"
          disabled={!list.data?.nextCursor}
          onClick={() => {
            setHistory([...history, cursor ?? '']);
            go({ ...filter, cursor: list.data?.nextCursor });
          }}
        >
          Older
        </button>
      </div>
    </section>
  );
}

/** An ISO instant as a datetime-local input's value (local time, to the minute), and back. */
function toLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

function fromLocalInput(value: string): string {
  return value ? new Date(value).toISOString() : '';
}
