import { useLocation } from 'preact-iso';
import { api, query } from '../api';
import { ErrorNote, Status, Table, usePoll } from '../components';
import { AUDIT_ACTIONS, AUDIT_OUTCOMES, type AuditListResponse, type AuditRecord, type SessionView } from '../contracts';
import { ago, time } from '../format';

const WINDOWS = [
  ['1h', 'the last hour', 3_600_000],
  ['24h', 'the last 24 hours', 86_400_000],
  ['7d', 'the last 7 days', 7 * 86_400_000],
] as const;
/** Pages of 500 read at most for one view: beyond that the page asks for narrower filters. */
const MAX_PAGES = 10;
/** Rows drawn at most: the newest, with a note when there are more. */
const SHOWN = 200;

interface AuditView {
  records: AuditRecord[];
  /** True when the window holds more than MAX_PAGES pages: only the oldest of them were read. */
  truncated: boolean;
}

/**
 * GET /v1/audit reads the log oldest first from `since`: read the window's pages and show
 * them newest first, so the page opens on what just happened.
 */
async function auditWindow(filters: Record<string, string | undefined>, sinceMs: number): Promise<AuditView> {
  const since = new Date(Date.now() - sinceMs).toISOString();
  const records: AuditRecord[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const r = await api<AuditListResponse>(`/v1/audit${query({ ...filters, since, limit: 500, cursor })}`);
    records.push(...r.items);
    cursor = r.nextCursor;
    if (!cursor) return { records: records.reverse(), truncated: false };
  }
  return { records: records.reverse(), truncated: true };
}

/** The audit log (admins only): who did what, refused requests included, filtered by action, outcome, project and key. */
export function Audit({ session }: { session: SessionView }) {
  const { route, query: q } = useLocation();
  const admin = session.scopes.includes('admin');
  const window = WINDOWS.find(([k]) => k === q.window) ?? WINDOWS[0];
  const filters = {
    action: q.action || undefined,
    outcome: q.outcome || undefined,
    project: q.project || undefined,
    key: q.key || undefined,
  };
  const view = usePoll(() => (admin ? auditWindow(filters, window[2]) : Promise.resolve(undefined)), 10_000, [
    admin,
    window[0],
    filters.action,
    filters.outcome,
    filters.project,
    filters.key,
  ]);
  if (!admin) {
    return (
      <section>
        <h1>Audit log</h1>
        <p class="muted">The audit log names keys and projects across tenants: it needs a key with the admin scope.</p>
      </section>
    );
  }
  return (
    <section>
      <h1>Audit log</h1>
      <form
        class="filters"
        aria-label="Audit filters"
        onSubmit={(e) => {
          e.preventDefault();
          const data = new FormData(e.target as HTMLFormElement);
          const next: Record<string, string> = {};
          for (const name of ['window', 'action', 'outcome', 'project', 'key']) {
            const v = data.get(name);
            if (typeof v === 'string' && v.trim()) next[name] = v.trim();
          }
          route(`/dashboard/audit${query(next)}`);
        }}
      >
        <label>
          Window
          <select name="window" value={window[0]}>
            {WINDOWS.map(([k, name]) => (
              <option key={k} value={k}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Action
          <select name="action" value={filters.action ?? ''}>
            <option value="">any</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label>
          Outcome
          <select name="outcome" value={filters.outcome ?? ''}>
            <option value="">any</option>
            {AUDIT_OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </label>
        <label>
          Project
          <input name="project" value={filters.project ?? ''} placeholder="any" />
        </label>
        <label>
          Key name
          <input name="key" value={filters.key ?? ''} placeholder="any" />
        </label>
        <button type="submit">Filter</button>
      </form>
      <ErrorNote error={view.error} />
      {view.data?.truncated ? (
        <p class="muted" role="status">
          More than {(MAX_PAGES * 500).toLocaleString()} records in {window[1]}: showing the newest of the first{' '}
          {(MAX_PAGES * 500).toLocaleString()}. Narrow the filters or the window.
        </p>
      ) : null}
      {view.data && view.data.records.length > SHOWN ? (
        <p class="muted" role="status">
          Showing the newest {SHOWN} of {view.data.records.length.toLocaleString()} records: narrow the filters to see the rest.
        </p>
      ) : null}
      <Table label="Audit records">
        <thead>
          <tr>
            <th>When</th>
            <th>Key</th>
            <th>Action</th>
            <th>Outcome</th>
            <th>Project</th>
            <th>Target</th>
            <th>Request</th>
          </tr>
        </thead>
        <tbody>
          {view.data && view.data.records.length === 0 ? (
            <tr>
              <td colSpan={7} class="muted">
                No audit records in {window[1]} match.
              </td>
            </tr>
          ) : null}
          {(view.data?.records ?? []).slice(0, SHOWN).map((r) => (
            <tr key={r.seq} data-audit={r.seq} data-action={r.action}>
              <td title={time(r.at)}>{ago(r.at)}</td>
              <td>{r.key ? <span title={`key id ${r.key.id}`}>{r.key.name}</span> : <span class="muted">no valid key</span>}</td>
              <td>{r.action}</td>
              <td>
                <Status value={r.outcome} /> <span class="small muted">{r.status}</span>
                {r.errorCode ? <div class="small">{r.errorCode}</div> : null}
              </td>
              <td>{r.project ?? '—'}</td>
              <td class="small">{r.target ?? '—'}</td>
              <td class="small">
                {r.method} {r.route}
                {r.ip ? <div class="muted">{r.ip}</div> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
    </section>
  );
}
