import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { getJson } from '../api/client';
import { keyFromFragment, setKey } from '../api/session';
import type { Session } from '../api/types';

/** Asks for the API key once per browser session; a login link (`#key=…`) logs in without typing. */
export function LoginPage() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const [key, setKeyInput] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const next = params.get('next') || '/segmentations';

  const login = async (candidate: string) => {
    setBusy(true);
    setError(null);
    try {
      const session = await getJson<Session>('/session', candidate);
      setKey(candidate);
      queryClient.clear();
      queryClient.setQueryData(['session'], session);
      await navigate(next.startsWith('/') ? next : '/segmentations', { replace: true });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    const fromLink = keyFromFragment(window.location.hash);
    if (!fromLink) return;
    // Drop the key from the address bar and history before anything else can read or share it.
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
    void login(fromLink);
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (key.trim()) void login(key.trim());
  };

  return (
    <main className="login">
      <h1>Segment Workbench</h1>
      <form onSubmit={submit}>
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autoComplete="off"
          value={key}
          onChange={(e) => setKeyInput(e.target.value)}
          required
        />
        <button type="submit" disabled={busy}>
          Log in
        </button>
        {error && (
          <p className="problem" role="alert">
            {error}
          </p>
        )}
        <p className="muted">
          The key stays in this browser tab until you close it or log out. An admin makes one with{' '}
          <code>workbench keys create</code>.
        </p>
      </form>
    </main>
  );
}
