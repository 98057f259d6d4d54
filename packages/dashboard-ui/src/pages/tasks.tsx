import { ErrorNote, Json, Table, usePoll } from '../components';
import { api } from '../api';
import type { TaskView } from '../contracts';

/** Registered task types (Celery's `inspect registered`): contracts, queue, policies and the workers serving each now. */
export function Tasks() {
  const list = usePoll(() => api<{ items: TaskView[] }>('/v1/tasks'), 10_000);
  return (
    <section>
      <h1>Tasks</h1>
      <ErrorNote error={list.error} />
      <Table label="Task types">
        <thead>
          <tr>
            <th>Type</th>
            <th>Queue</th>
            <th>Origin</th>
            <th>Workers</th>
            <th>Schemas</th>
          </tr>
        </thead>
        <tbody>
          {(list.data?.items ?? []).map((t) => (
            <tr key={t.type} data-task={t.type}>
              <td>
                <strong>{t.type}</strong>
                {t.description ? <div class="muted small">{t.description}</div> : null}
              </td>
              <td>{t.queue}</td>
              <td>{t.builtIn ? 'built in' : `registered v${t.version}`}</td>
              <td>
                {t.workers.length === 0
                  ? '—'
                  : t.workers.map((w) => (
                      <div key={w.id} class="small">
                        {w.service}@{w.host} ({w.running}/{w.concurrency})
                      </div>
                    ))}
              </td>
              <td>
                <details>
                  <summary>input / output</summary>
                  <Json value={t.inputSchema} label={`${t.type} input schema`} />
                  <Json value={t.outputSchema} label={`${t.type} output schema`} />
                </details>
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
    </section>
  );
}
