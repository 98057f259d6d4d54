import { api } from '../api';
import { BarChart } from '../chart';
import { Action, ErrorNote, Status, Table, usePoll } from '../components';
import type { QueueView, SessionView, ThroughputResponse, WorkerHeartbeat } from '../contracts';
import { ago, bytes, duration, shortId } from '../format';

const GREEN = '#2f9e44';
const RED = '#e03131';
const AMBER = '#f08c00';
const GREY = '#868e96';

/** Flower's front page: throughput and failures over the last hour, queues by band, live workers. */
export function Overview({ session }: { session: SessionView }) {
  const stats = usePoll(() => api<ThroughputResponse>('/v1/stats/throughput?minutes=60'), 5_000);
  const queues = usePoll(() => api<{ items: QueueView[] }>('/v1/queues'), 3_000);
  const workers = usePoll(() => api<{ items: WorkerHeartbeat[] }>('/v1/workers'), 3_000);
  const admin = session.scopes.includes('admin');
  const buckets = stats.data?.buckets ?? [];
  /** Drain, resume or shut down a worker over its control subject (admin); the answer comes once it has acted. */
  const control = async (id: string, action: 'drain' | 'resume' | 'shutdown') => {
    await api(`/v1/workers/${encodeURIComponent(id)}/${action}`, { method: 'POST' });
    await workers.reload();
  };
  const times = buckets.map((b) => b.at);
  return (
    <section>
      <h1>Overview</h1>
      <ErrorNote error={stats.error} />
      <div class="charts">
        <BarChart
          title="Finished jobs"
          times={times}
          series={[
            { name: 'succeeded', colour: GREEN, values: buckets.map((b) => b.succeeded) },
            { name: 'cancelled', colour: GREY, values: buckets.map((b) => b.cancelled) },
          ]}
        />
        <BarChart
          title="Failures"
          times={times}
          series={[
            { name: 'failed', colour: RED, values: buckets.map((b) => b.failed) },
            { name: 'retried attempts', colour: AMBER, values: buckets.map((b) => b.retried) },
          ]}
        />
      </div>

      <h2>Queues</h2>
      <ErrorNote error={queues.error} />
      <Table label="Queues">
        <thead>
          <tr>
            <th>Queue</th>
            <th>State</th>
            <th>Workers</th>
            <th>High</th>
            <th>Normal</th>
            <th>Low</th>
            <th>Running</th>
            <th>Oldest waiting</th>
            {admin ? <th>Actions</th> : null}
          </tr>
        </thead>
        <tbody>
          {(queues.data?.items ?? []).map((q) => {
            const band = (name: string) => q.bands.find((b) => b.band === name);
            const oldest = Math.max(0, ...q.bands.map((b) => b.oldestWaitingMs ?? 0));
            return (
              <tr key={q.name}>
                <td>{q.name}</td>
                <td>{q.paused ? <Status value="paused" /> : <Status value="active" />}</td>
                <td>{q.consumers}</td>
                {['high', 'normal', 'low'].map((b) => (
                  <td key={b} title={`oldest ${duration(band(b)?.oldestWaitingMs)}`}>
                    {band(b)?.pending ?? 0}
                  </td>
                ))}
                <td>{q.running}</td>
                <td>{oldest > 0 ? duration(oldest) : '—'}</td>
                {admin ? (
                  <td class="actions">
                    <Action
                      label={q.paused ? 'Resume' : 'Pause'}
                      run={async () => {
                        await api(`/v1/queues/${q.name}/${q.paused ? 'resume' : 'pause'}`, { method: 'POST' });
                        await queues.reload();
                      }}
                    />
                    <Action
                      label="Purge"
                      kind="danger"
                      confirm={`Purge queue ${q.name}? Its ${q.pending} waiting job(s) are dropped and marked cancelled.`}
                      run={async () => {
                        await api(`/v1/queues/${q.name}/purge`, { method: 'POST' });
                        await queues.reload();
                      }}
                    />
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </Table>

      <h2>Workers</h2>
      <ErrorNote error={workers.error} />
      <Table label="Workers">
        <thead>
          <tr>
            <th>Worker</th>
            <th>State</th>
            <th>Queues</th>
            <th>Slots</th>
            <th>Load</th>
            <th>Memory</th>
            <th>GPU</th>
            <th>Running jobs</th>
            <th>Seen</th>
            {admin ? <th>Actions</th> : null}
          </tr>
        </thead>
        <tbody>
          {(workers.data?.items ?? []).length === 0 ? (
            <tr>
              <td colSpan={admin ? 10 : 9} class="muted">
                No live workers.
              </td>
            </tr>
          ) : null}
          {(workers.data?.items ?? []).map((w) => (
            <tr key={w.id}>
              <td>
                <strong>{w.service}</strong>
                <div class="muted small">
                  {w.host} · pid {w.pid}
                </div>
              </td>
              <td>
                <Status value={w.state ?? 'running'} />
              </td>
              <td>{w.queues.join(', ')}</td>
              <td>
                {w.running.length}/{w.concurrency}
              </td>
              <td>{w.cpuLoad1.toFixed(2)}</td>
              <td>
                {bytes(w.memoryRssBytes)} <span class="muted small">({bytes(w.memoryFreeBytes)} free)</span>
              </td>
              <td>
                {w.gpus.length === 0
                  ? '—'
                  : w.gpus.map((g) => (
                      <div key={g.name}>
                        {g.name}
                        {g.utilizationPct !== undefined ? ` ${g.utilizationPct}%` : ''}
                        {g.memoryUsedMiB !== undefined ? ` · ${g.memoryUsedMiB}/${g.memoryTotalMiB ?? '?'} MiB` : ''}
                      </div>
                    ))}
              </td>
              <td>
                {w.running.length === 0
                  ? '—'
                  : w.running.map((id) => (
                      <a key={id} class="mono" href={`/dashboard/jobs/${id}`}>
                        {shortId(id)}{' '}
                      </a>
                    ))}
              </td>
              <td>{ago(w.at)}</td>
              {admin ? (
                <td class="actions">
                  {w.state === 'draining' ? (
                    <Action label="Resume" run={() => control(w.id, 'resume')} />
                  ) : (
                    <Action label="Drain" run={() => control(w.id, 'drain')} />
                  )}
                  <Action
                    label="Shut down"
                    kind="danger"
                    confirm={`Shut down worker ${w.service} on ${w.host} (pid ${w.pid})? Its ${w.running.length} running job(s) get the grace period, then go back to the queue.`}
                    run={() => control(w.id, 'shutdown')}
                  />
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </Table>
    </section>
  );
}
