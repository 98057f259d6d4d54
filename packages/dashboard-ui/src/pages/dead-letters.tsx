import { useState } from 'preact/hooks';
import { api, query } from '../api';
import { Action, ErrorNote, Table, useConfirm, usePoll } from '../components';
import type { BulkDlqResponse, DeadLetter } from '../contracts';
import { ago, shortId } from '../format';

interface Group {
  errorCode: string;
  type: string;
  count: number;
  newest: string;
}

/** Dead letters grouped by error code and task type: triage a class of failure at once. */
function groups(items: DeadLetter[]): Group[] {
  const by = new Map<string, Group>();
  for (const d of items) {
    const k = `${d.error.code}\u0000${d.job.type}`;
    const g = by.get(k) ?? { errorCode: d.error.code, type: d.job.type, count: 0, newest: d.deadAt };
    g.count += 1;
    if (d.deadAt > g.newest) g.newest = d.deadAt;
    by.set(k, g);
  }
  return [...by.values()].sort((a, b) => b.count - a.count);
}

export function DeadLetters() {
  const list = usePoll(() => api<{ items: DeadLetter[] }>('/v1/dlq?limit=500'), 5_000);
  const [filter, setFilter] = useState<{ errorCode?: string; type?: string }>({});
  const items = list.data?.items ?? [];
  const shown = items.filter(
    (d) => (!filter.errorCode || d.error.code === filter.errorCode) && (!filter.type || d.job.type === filter.type),
  );
  return (
    <section>
      <h1>Dead letters</h1>
      <ErrorNote error={list.error} />
      <h2>By error and task type</h2>
      <Table label="Dead letter groups">
        <thead>
          <tr>
            <th>Error code</th>
            <th>Task type</th>
            <th>Dead letters</th>
            <th>Newest</th>
            <th>Actions</th>
          </tr>
        </thead>
        <tbody>
          {list.data && items.length === 0 ? (
            <tr>
              <td colSpan={5} class="muted">
                The dead-letter queue is empty.
              </td>
            </tr>
          ) : null}
          {groups(items).map((g) => (
            <tr key={`${g.errorCode}/${g.type}`} data-group={`${g.errorCode}/${g.type}`}>
              <td>{g.errorCode}</td>
              <td>{g.type}</td>
              <td>{g.count}</td>
              <td>{ago(g.newest)}</td>
              <td class="actions">
                <button type="button" onClick={() => setFilter({ errorCode: g.errorCode, type: g.type })}>
                  Show
                </button>
                <Bulk action="requeue" filter={{ errorCode: g.errorCode, type: g.type }} onDone={list.reload} />
                <Bulk action="discard" filter={{ errorCode: g.errorCode, type: g.type }} onDone={list.reload} />
              </td>
            </tr>
          ))}
        </tbody>
      </Table>

      <h2>
        Dead letters
        {filter.errorCode || filter.type ? (
          <>
            {' '}
            <span class="chip">
              {filter.errorCode} · {filter.type}
            </span>{' '}
            <button type="button" onClick={() => setFilter({})}>
              Show all
            </button>
          </>
        ) : null}
      </h2>
      <Table label="Dead letters">
        <thead>
          <tr>
            <th>Job</th>
            <th>Type</th>
            <th>Project</th>
            <th>Reason</th>
            <th>Error</th>
            <th>Attempts</th>
            <th>Died</th>
            <th>Actions</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((d) => (
            <tr key={d.job.id} data-job-id={d.job.id}>
              <td>
                <a class="mono" href={`/dashboard/jobs/${d.job.id}`}>
                  {shortId(d.job.id)}
                </a>
              </td>
              <td>{d.job.type}</td>
              <td>{d.job.project}</td>
              <td>{d.reason}</td>
              <td>
                <strong>{d.error.code}</strong> <span class="small">{d.error.message}</span>
              </td>
              <td>{d.errors.length}</td>
              <td>{ago(d.deadAt)}</td>
              <td class="actions">
                <Action
                  label="Requeue"
                  run={async () => {
                    await api(`/v1/dlq/${d.job.id}/requeue`, { method: 'POST', body: {} });
                    await list.reload();
                  }}
                />
                <Action
                  label="Discard"
                  kind="danger"
                  confirm={`Discard dead letter ${shortId(d.job.id)} (${d.job.type})? It cannot be requeued afterwards.`}
                  run={async () => {
                    await api(`/v1/dlq/${d.job.id}`, { method: 'DELETE' });
                    await list.reload();
                  }}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
    </section>
  );
}

/**
 * Bulk requeue or discard by filter: a dry run first counts what matches, the
 * confirmation says that count, and only then does the real call go.
 */
function Bulk({
  action,
  filter,
  onDone,
}: {
  action: 'requeue' | 'discard';
  filter: { errorCode: string; type: string };
  onDone: () => unknown;
}) {
  const ask = useConfirm();
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<string | undefined>(undefined);
  const run = async () => {
    setError(undefined);
    setResult(undefined);
    setBusy(true);
    try {
      const dry = await api<BulkDlqResponse>(`/v1/dlq/${action}`, { method: 'POST', body: { ...filter, dryRun: true } });
      const n = dry.matched;
      const what = `${n}${dry.truncated ? '+' : ''} dead letter${n === 1 ? '' : 's'} with ${filter.errorCode} from ${filter.type}`;
      const ok = await ask(
        action === 'requeue' ? `Requeue ${what}?` : `Discard ${what}? They cannot be requeued afterwards.`,
        `${action === 'requeue' ? 'Requeue' : 'Discard'} ${n}`,
      );
      if (!ok) return;
      const done = await api<BulkDlqResponse>(`/v1/dlq/${action}${query({})}`, { method: 'POST', body: { ...filter } });
      setResult(`${done.done} ${action === 'requeue' ? 'requeued' : 'discarded'}${done.failed ? `, ${done.failed} failed` : ''}`);
      await onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span class="action">
      <button type="button" class={action === 'discard' ? 'danger' : ''} disabled={busy} onClick={run}>
        {action === 'requeue' ? 'Requeue all' : 'Discard all'}
      </button>
      {result ? <span class="small muted">{result}</span> : null}
      {error ? <ErrorNote error={error} /> : null}
    </span>
  );
}
