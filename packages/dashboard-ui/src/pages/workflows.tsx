import { useLocation } from 'preact-iso';
import { api, query } from '../api';
import { ErrorNote, Progress, Status, Table, usePoll } from '../components';
import type { JobGroupSummary, ListGroupsResponse, WorkflowView } from '../contracts';
import { ago } from '../format';

interface Row {
  summary: JobGroupSummary;
  view?: WorkflowView | undefined;
}

/** A page of GET /v1/workflows (from the job store), each run's view read beside it for its name, status and progress. */
async function workflowPage(cursor: string | undefined): Promise<{ rows: Row[]; nextCursor?: string | undefined }> {
  const page = await api<ListGroupsResponse>(`/v1/workflows${query({ limit: 25, cursor })}`);
  const views = await Promise.all(page.items.map((w) => api<WorkflowView>(`/v1/workflows/${w.id}`).catch(() => undefined)));
  return { rows: page.items.map((summary, i) => ({ summary, view: views[i] })), nextCursor: page.nextCursor };
}

export function Workflows() {
  const { route, query: q, path } = useLocation();
  const cursor = q.cursor || undefined;
  const list = usePoll(() => workflowPage(cursor), 5_000, [cursor]);
  return (
    <section>
      <h1>Workflows</h1>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          const v = new FormData(e.target as HTMLFormElement).get('id');
          if (typeof v === 'string' && v.trim()) route(`/dashboard/workflows/${encodeURIComponent(v.trim())}`);
        }}
      >
        <label>
          Open a workflow by id
          <input name="id" placeholder="workflow id" />
        </label>
        <button type="submit">Open</button>
      </form>
      <ErrorNote error={list.error} />
      <Table label="Workflows">
        <thead>
          <tr>
            <th>Workflow</th>
            <th>Status</th>
            <th>Progress</th>
            <th>Steps</th>
            <th>Jobs</th>
            <th>Failed step</th>
            <th>Project</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {list.data && list.data.rows.length === 0 ? (
            <tr>
              <td colSpan={8} class="muted">
                No workflow runs.
              </td>
            </tr>
          ) : null}
          {(list.data?.rows ?? []).map(({ summary: w, view }) => (
            <tr key={w.id} data-workflow={w.id}>
              <td>
                <a href={`/dashboard/workflows/${w.id}`}>{view?.name ?? w.id}</a>
              </td>
              <td>{view ? <Status value={view.status} /> : '—'}</td>
              <td class="wide">{view ? <Progress value={view.progress} /> : null}</td>
              <td>{view?.steps.length ?? '—'}</td>
              <td class="small">
                {w.total} · {w.counts.succeeded ?? 0} ok
                {w.counts.failed ? ` · ${w.counts.failed} failed` : ''}
                {(w.counts.running ?? 0) + (w.counts.retrying ?? 0)
                  ? ` · ${(w.counts.running ?? 0) + (w.counts.retrying ?? 0)} running`
                  : ''}
              </td>
              <td>{view?.failedStep ?? '—'}</td>
              <td>{w.project}</td>
              <td>{ago(w.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </Table>
      <div class="row pager">
        <button type="button" disabled={!cursor} onClick={() => route(path)}>
          Newest
        </button>
        <button type="button" disabled={!list.data?.nextCursor} onClick={() => route(`${path}${query({ cursor: list.data?.nextCursor })}`)}>
          Older
        </button>
      </div>
    </section>
  );
}
