/** Small building blocks every page uses: badges, tables that scroll, confirmations, polling. */
import type { ComponentChildren } from 'preact';
import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api';
import { json } from './format';

export function Status({ value }: { value: string }) {
  return <span class={`badge s-${value}`}>{value}</span>;
}

/** A table that scrolls sideways inside its box instead of running off a narrow screen. */
export function Table({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
    <section class="table-wrap" tabIndex={0} aria-label={label}>
      <table>{children}</table>
    </section>
  );
}

export function Json({ value, label }: { value: unknown; label: string }) {
  if (value === undefined) return <p class="muted">none</p>;
  return (
    <figure class="json" aria-label={label}>
      <pre>{json(value)}</pre>
    </figure>
  );
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const text = error instanceof ApiError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
  return (
    <p class="error-note" role="alert">
      {text}
    </p>
  );
}

export function Progress({ value, stage }: { value: number; stage?: string | undefined }) {
  return (
    <div class="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(value)}>
      <div class="bar" style={{ width: `${value}%` }} />
      <span class="label">
        {Math.round(value)}%{stage ? ` · ${stage}` : ''}
      </span>
    </div>
  );
}

/** Runs `load` now and every `everyMs`; the latest result, its error, and a way to reload. */
export function usePoll<T>(load: () => Promise<T>, everyMs: number, deps: unknown[] = []) {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const loadRef = useRef(load);
  loadRef.current = load;
  const seq = useRef(0);
  const reload = useCallback(async () => {
    const mine = ++seq.current;
    try {
      const value = await loadRef.current();
      if (mine === seq.current) {
        setData(value);
        setError(undefined);
      }
    } catch (err) {
      if (mine === seq.current) setError(err);
    }
  }, []);
  useEffect(() => {
    setData(undefined);
    void reload();
    if (everyMs <= 0) return;
    const t = setInterval(() => void reload(), everyMs);
    return () => clearInterval(t);
  }, deps);
  return { data, error, reload, setData };
}

/** An action button that shows its error beside it and is disabled while it runs. */
export function Action({
  label,
  run,
  kind,
  confirm,
}: {
  label: string;
  run: () => Promise<unknown>;
  kind?: 'danger' | 'primary';
  /** Asked before running: the action is destructive. */
  confirm?: string;
}) {
  const ask = useConfirm();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const onClick = async () => {
    if (confirm && !(await ask(confirm, label))) return;
    setBusy(true);
    setError(undefined);
    try {
      await run();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span class="action">
      <button type="button" class={kind ?? ''} disabled={busy} onClick={onClick}>
        {label}
      </button>
      {error ? <ErrorNote error={error} /> : null}
    </span>
  );
}

type Ask = (message: string, confirmLabel: string) => Promise<boolean>;
const ConfirmContext = createContext<Ask>(async () => false);
export const useConfirm = () => useContext(ConfirmContext);

/**
 * The one confirmation dialog: a modal <dialog> (focus stays inside, Escape cancels).
 * Destructive actions await it; nothing destructive runs on one click.
 */
export function ConfirmProvider({ children }: { children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [message, setMessage] = useState('');
  const [confirmLabel, setConfirmLabel] = useState('Confirm');
  const resolver = useRef<(ok: boolean) => void>(() => {});
  const ask = useCallback<Ask>((m, label) => {
    setMessage(m);
    setConfirmLabel(label);
    ref.current?.showModal();
    return new Promise<boolean>((resolve) => {
      resolver.current = resolve;
    });
  }, []);
  const close = (ok: boolean) => {
    ref.current?.close();
    resolver.current(ok);
    resolver.current = () => {};
  };
  return (
    <ConfirmContext.Provider value={ask}>
      {children}
      <dialog ref={ref} class="confirm" aria-labelledby="confirm-message" onCancel={() => close(false)}>
        <p id="confirm-message">{message}</p>
        <div class="row end">
          <button type="button" onClick={() => close(false)} autofocus>
            Back
          </button>
          <button type="button" class="danger" onClick={() => close(true)}>
            {confirmLabel}
          </button>
        </div>
      </dialog>
    </ConfirmContext.Provider>
  );
}
