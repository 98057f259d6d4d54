import { useState } from 'preact/hooks';
import { api } from '../api';
import { ErrorNote } from '../components';
import type { SessionView } from '../contracts';

/** The key goes to POST /v1/session once and is forgotten: the session is an HttpOnly cookie. */
export function SignIn({ onSignedIn }: { onSignedIn: (s: SessionView) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const session = await api<SessionView>('/v1/session', { method: 'POST', body: { key } });
      setKey('');
      onSignedIn(session);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="sign-in">
      <form class="sign-in-form" onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Reelay</h1>
        <p class="muted">Sign in with an API key. It is exchanged for a session cookie and not kept in this browser.</p>
        <label>
          API key
          <input
            type="password"
            name="key"
            autocomplete="off"
            required
            value={key}
            onInput={(e) => setKey((e.target as HTMLInputElement).value)}
          />
        </label>
        <button type="submit" class="primary" disabled={busy || key === ''}>
          Sign in
        </button>
        <ErrorNote error={error} />
      </form>
    </main>
  );
}
