import { useState } from 'preact/hooks';
import { api } from '../api';
import { Action, ErrorNote, Status, Table, usePoll } from '../components';
import type { DelayedJobView, ListGroupsResponse, Schedule, SessionView } from '../contracts';
import { ago, duration, shortId, time, until } from '../format';

/** Schedules (cron and interval), delayed jobs waiting for their time, and batches. */
export function Scheduling({ session }: { session: SessionView }) {
  const schedules = usePoll(() => api<{ items: Schedule[] }>('/v1/schedules'), 5_000);
  const delayed = usePoll(() => api<{ items: DelayedJobView[] }>('/v1/jobs/delayed?limit=100'), 5_000);
  const batches = usePoll(() => api<ListGroupsResponse>('/v1/batches?limit=25'), 5_000);
  const canWrite = session.scopes.includes('jobs:write') || session.scopes.includes('admin');
  return (
    <section>
      <h1>Schedules</h1>
      <ErrorNote error={schedules.error} />
      <Table label="Schedules">
        <thead>
          <tr>
            <th>Schedule</th>
            <th>When</th>
            <th>Job</th>
            <th>State</th>
            <th>Next fire</th>
            <th>Last fired</th>
            <th>Fired</th>
            {canWrite ? <th>Actions</th> : null}
          </tr>
        </thead>
        <tbody>
          {(schedules.data?.items ?? []).map((s) => (
            <tr key={s.id} data-schedule={s.id}>
              <td>
                {s.name ?? s.id}
                <div class="muted small mono">{s.id}</div>
              </td>
              <td class="mono">{'cron' in s.spec ? `${s.spec.cron} (${s.spec.timezone})` : `every ${duration(s.spec.everyMs)}`}</td>
              <td>{s.job.type}</td>
              <td>{s.paused ? <Status value="paused" /> : <Status value="active" />}</td>
              <td title={time(s.state.nextTickAt)}>{s.paused ? '—' : until(s.state.nextTickAt)}</td>
              <td>{ago(s.state.lastFiredAt)}</td>
              <td>{s.state.fired}</td>
              {canWrite ? (
                <td class="actions">
                  <Action
                    label={s.paused ? 'Resume' : 'Pause'}
                    run={async () => {
                      await api(`/v1/schedules/${s.id}/${s.paused ? 'resume' : 'pause'}`, { method: 'POST' });
                      await schedules.reload();
                    }}
                  />
                  <Action
                    label="Trigger now"
                    run={async () => {
                      // One job now, made by the gateway as a tick makes it (and audited as
                      // schedule.trigger); the schedule's own ticks go on as before.
                      await api(`/v1/schedules/${encodeURIComponent(s.id)}/trigger`, { method: 'POST' });
                    }}
                  />
                  {s.builtIn ? null : (
                    <Action
                      label="Delete"
                      kind="danger"
                      confirm={`Delete schedule ${s.name ?? s.id}? It will not fire again.`}
                      run={async () => {
                        await api(`/v1/schedules/${s.id}`, { method: 'DELETE' });
                        await schedules.reload();
                      }}
                    />
                  )}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </Table>
      {canWrite ? <CreateSchedule session={session} onCreated={() => schedules.reload()} /> : null}

      <h2>Delayed jobs</h2>
      <ErrorNote error={delayed.error} />
      <Table label="Delayed jobs">
        <thead>
          <tr>
            <th>Job</th>
            <th>Type</th>
            <th>Project</th>
            <th>Runs</th>
            {canWrite ? <th>Actions</th> : null}
          </tr>
        </thead>
        <tbody>
          {delayed.data?.items.length === 0 ? (
            <tr>
              <td colSpan={5} class="muted">
                No delayed jobs.
              </td>
            </tr>
          ) : null}
          {(delayed.data?.items ?? []).map((j) => (
            <tr key={j.id} data-job-id={j.id}>
              <td>
                <a class="mono" href={`/dashboard/jobs/${j.id}`}>
                  {shortId(j.id)}
                </a>
              </td>
              <td>{j.type}</td>
              <td>{j.project}</td>
              <td title={time(j.runAt)}>{until(j.runAt)}</td>
              {canWrite ? (
                <td class="actions">
                  <Action
                    label="Cancel"
                    kind="danger"
                    confirm={`Cancel delayed job ${shortId(j.id)} (${j.type})?`}
                    run={async () => {
                      await api(`/v1/jobs/${j.id}/cancel`, { method: 'POST' });
                      await delayed.reload();
                    }}
                  />
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </Table>

      <h2>Batches</h2>
      <ErrorNote error={batches.error} />
      <Table label="Batches">
        <thead>
          <tr>
            <th>Batch</th>
            <th>Jobs</th>
            <th>Succeeded</th>
            <th>Failed</th>
            <th>Running</th>
            <th>Waiting</th>
            <th>Done</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {batches.data?.items.length === 0 ? (
            <tr>
              <td colSpan={8} class="muted">
                No batches.
              </td>
            </tr>
          ) : null}
          {(batches.data?.items ?? []).map((b) => (
            <tr key={b.id} data-batch={b.id}>
              <td>
                <a class="mono" href={`/dashboard/jobs?batchId=${b.id}`}>
                  {shortId(b.id)}
                </a>
              </td>
              <td>{b.total}</td>
              <td>{b.counts.succeeded ?? 0}</td>
              <td>{b.counts.failed ?? 0}</td>
              <td>{(b.counts.running ?? 0) + (b.counts.retrying ?? 0)}</td>
              <td>{(b.counts.queued ?? 0) + (b.counts.scheduled ?? 0)}</td>
              <td>{b.done ? 'yes' : 'no'}</td>
              <td>{ago(b.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </Table>
    </section>
  );
}

function CreateSchedule({ session, onCreated }: { session: SessionView; onCreated: () => unknown }) {
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const f = new FormData(form);
    const text = (name: string) => String(f.get(name) ?? '').trim();
    setError(undefined);
    let input: unknown;
    try {
      input = text('input') ? JSON.parse(text('input')) : undefined;
    } catch (err) {
      setError(new Error(`input is not JSON: ${(err as Error).message}`));
      return;
    }
    const when = text('when');
    const spec = /^\d+$/.test(when) ? { everyMs: Number(when) * 1000 } : { cron: when, timezone: text('timezone') || 'UTC' };
    const body = {
      ...(text('id') ? { id: text('id') } : {}),
      ...(text('name') ? { name: text('name') } : {}),
      ...(text('project') ? { project: text('project') } : {}),
      spec,
      job: { type: text('type'), ...(input !== undefined ? { input } : {}) },
      paused: f.get('paused') === 'on',
    };
    setBusy(true);
    try {
      await api('/v1/schedules', { method: 'POST', body });
      form.reset();
      await onCreated();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const projects = session.projects.includes('*') ? undefined : session.projects;
  return (
    <details class="edit">
      <summary>Create a schedule</summary>
      <form class="grid-form" onSubmit={submit}>
        <label>
          Id (optional)
          <input name="id" placeholder="nightly-report" />
        </label>
        <label>
          Name
          <input name="name" />
        </label>
        <label>
          When: a cron expression, or every N seconds
          <input name="when" required placeholder="*/5 * * * *  or  3600" />
        </label>
        <label>
          Time zone
          <input name="timezone" placeholder="UTC" />
        </label>
        <label>
          Task type
          <input name="type" required />
        </label>
        {projects ? (
          <label>
            Project
            <select name="project">
              {projects.map((p) => (
                <option key={p}>{p}</option>
              ))}
            </select>
          </label>
        ) : (
          <label>
            Project
            <input name="project" placeholder="default" />
          </label>
        )}
        <label class="span">
          Input (JSON)
          <textarea name="input" rows={4} />
        </label>
        <label class="check">
          <input type="checkbox" name="paused" /> Create paused
        </label>
        <div>
          <button type="submit" class="primary" disabled={busy}>
            Create
          </button>
        </div>
        <ErrorNote error={error} />
      </form>
    </details>
  );
}
