import { type FormEvent, useId, useState } from 'react';
import { SsoButton, ssoErrorFromLocation } from '../access/SsoButton';
import { describeError } from '../api/ApiError';
import type { ApiClient } from '../api/client';
import { LogoMark } from '../components/icons';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import type { User } from './authApi';
import { authApi } from './authApi';

export interface LoginPageProps {
  api: ApiClient;
  onLoggedIn: (user: User) => void;
  /** Shown above the form, e.g. "Your session has ended." */
  notice?: string | null;
}

export function LoginPage({ api, onLoggedIn, notice }: LoginPageProps) {
  useDocumentTitle('Sign in');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(() => ssoErrorFromLocation());
  const errorId = useId();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    setPending(true);
    setError(null);
    try {
      onLoggedIn(await authApi(api).login(email.trim(), password));
    } catch (err) {
      setError(describeError(err));
      setPending(false);
    }
  }

  return (
    <main className="login" id="main">
      <div className="login__card">
        <div className="login__brand">
          <LogoMark size={36} />
          <span className="brand__name">Veil</span>
        </div>
        <h1 className="login__title">Sign in</h1>
        <p className="login__subtitle">Session replay with privacy by default.</p>
        {notice && !error && (
          <p className="notice notice--info" role="status">
            {notice}
          </p>
        )}
        <form className="form" onSubmit={submit} data-testid="login-form">
          {error && (
            <div className="notice notice--error" role="alert" id={errorId} data-testid="login-error">
              {error}
            </div>
          )}
          <div className="field">
            <label htmlFor="login-email">Email</label>
            <input
              id="login-email"
              name="email"
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              aria-describedby={error ? errorId : undefined}
              aria-invalid={error ? true : undefined}
              data-testid="login-email"
            />
          </div>
          <div className="field">
            <label htmlFor="login-password">Password</label>
            <input
              id="login-password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-describedby={error ? errorId : undefined}
              aria-invalid={error ? true : undefined}
              data-testid="login-password"
            />
          </div>
          <button
            type="submit"
            className="button button--primary button--block"
            disabled={pending}
            data-testid="login-submit"
          >
            {pending ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        <SsoButton api={api} />
      </div>
      <p className="login__footer">Every raw replay you open is logged with its purpose.</p>
    </main>
  );
}
