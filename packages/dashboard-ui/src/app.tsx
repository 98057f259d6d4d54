import { ErrorBoundary, LocationProvider, lazy, Route, Router, useLocation } from 'preact-iso';
import { useEffect, useState } from 'preact/hooks';
import { api, onSessionLost, setCsrfToken } from './api';
import { ConfirmProvider } from './components';
import type { SessionStatus, SessionView } from './contracts';
import { startLive, stopLive } from './live';
import { Audit } from './pages/audit';
import { DeadLetters } from './pages/dead-letters';
import { JobPage } from './pages/job';
import { Jobs } from './pages/jobs';
import { Overview } from './pages/overview';
import { Scheduling } from './pages/scheduling';
import { SignIn } from './pages/sign-in';
import { Tasks } from './pages/tasks';
import { Workflows } from './pages/workflows';

// The graph layout (dagre) loads only with the workflow page.
const WorkflowPage = lazy(() => import('./pages/workflow').then((m) => m.WorkflowPage));

export const BASE = '/dashboard';

const NAV = [
  ['/', 'Overview'],
  ['/jobs', 'Jobs'],
  ['/workflows', 'Workflows'],
  ['/scheduling', 'Schedules'],
  ['/dead-letters', 'Dead letters'],
  ['/tasks', 'Tasks'],
] as const;
/** Shown to admin keys only: the audit log spans tenants. */
const ADMIN_NAV = [['/audit', 'Audit']] as const;

export function App() {
  // undefined: not known yet; null: signed out.
  const [session, setSession] = useState<SessionView | null | undefined>(undefined);

  useEffect(() => {
    onSessionLost(() => setSession(null));
    api<SessionStatus>('/v1/session').then(
      (r) => setSession(r.session ?? null),
      () => setSession(null),
    );
  }, []);

  useEffect(() => {
    setCsrfToken(session?.csrfToken);
    if (session) startLive();
    else stopLive();
  }, [session]);

  const signOut = async () => {
    await api('/v1/session', { method: 'DELETE' }).catch(() => undefined);
    setSession(null);
  };

  if (session === undefined) return <p class="loading">Loading…</p>;
  if (session === null) return <SignIn onSignedIn={setSession} />;
  return (
    <LocationProvider scope={BASE}>
      <ConfirmProvider>
        {/* Keyed by the key's id: a different key starts from nothing, never with the last one's rows. */}
        <Shell key={session.keyId} session={session} onSignOut={signOut} />
      </ConfirmProvider>
    </LocationProvider>
  );
}

function Shell({ session, onSignOut }: { session: SessionView; onSignOut: () => void }) {
  const { path } = useLocation();
  const here = path.slice(BASE.length) || '/';
  return (
    <div class="shell">
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href={`${BASE}/`}>
          Reelay
        </a>
        <nav aria-label="Main">
          {[...NAV, ...(session.scopes.includes('admin') ? ADMIN_NAV : [])].map(([to, name]) => {
            const active = to === '/' ? here === '/' : here.startsWith(to);
            return (
              <a key={to} href={`${BASE}${to}`} aria-current={active ? 'page' : undefined}>
                {name}
              </a>
            );
          })}
        </nav>
        <div class="who">
          <span title={`scopes: ${session.scopes.join(', ')}`}>
            {session.name} · {session.projects.includes('*') ? 'all projects' : session.projects.join(', ')}
          </span>
          <button type="button" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main">
        <ErrorBoundary>
          <Router>
            <Route path={`${BASE}/`} component={() => <Overview session={session} />} />
            <Route path={`${BASE}/jobs`} component={() => <Jobs session={session} />} />
            <Route path={`${BASE}/jobs/:id`} component={({ id }: { id: string }) => <JobPage id={id} session={session} />} />
            <Route path={`${BASE}/workflows`} component={Workflows} />
            <Route path={`${BASE}/workflows/:id`} component={({ id }: { id: string }) => <WorkflowPage id={id} />} />
            <Route path={`${BASE}/scheduling`} component={() => <Scheduling session={session} />} />
            <Route path={`${BASE}/dead-letters`} component={DeadLetters} />
            <Route path={`${BASE}/tasks`} component={Tasks} />
            <Route path={`${BASE}/audit`} component={() => <Audit session={session} />} />
            <Route default component={NotFound} />
          </Router>
        </ErrorBoundary>
      </main>
    </div>
  );
}

function NotFound() {
  return (
    <section>
      <h1>Not found</h1>
      <p>
        <a href={`${BASE}/`}>Back to the overview</a>
      </p>
    </section>
  );
}
