import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { describeError } from '../api/ApiError';
import type { ApiClient } from '../api/client';
import type { WhoAmI } from '../auth/authApi';
import { LogoMark } from '../components/icons';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { accessApi } from './accessApi';
import { QrCode } from './QrCode';

export interface SecondFactorPageProps {
  api: ApiClient;
  who: WhoAmI;
  onPassed: () => void;
  onCancel: () => void;
}

/**
 * The second step of signing in: the authenticator code, or, for a user whose role requires TOTP
 * and who has none yet, enrolment (scan the QR code or type the secret, then confirm a code).
 */
export function SecondFactorPage({ api, who, onPassed, onCancel }: SecondFactorPageProps) {
  const access = useMemo(() => accessApi(api), [api]);
  const enrolling = !who.totpEnabled;
  useDocumentTitle(enrolling ? 'Set up two-factor authentication' : 'Two-factor authentication');
  const [setup, setSetup] = useState<{ secret: string; otpauthUri: string } | null>(null);
  const [code, setCode] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!enrolling) return;
    access.totpSetup().then(setSetup, (err: unknown) => setError(describeError(err)));
  }, [access, enrolling]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    setPending(true);
    setError(null);
    try {
      if (enrolling) await access.totpEnable(code.trim());
      else await access.totpVerify(code.trim());
      onPassed();
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
        <h1 className="login__title">{enrolling ? 'Set up two-factor authentication' : 'Enter your code'}</h1>
        <p className="login__subtitle">
          {enrolling
            ? `Your role (${who.user.role.replace('_', ' ')}) can see raw recordings or change policy, so it needs a second factor.`
            : 'Open your authenticator app and enter the 6-digit code for Veil.'}
        </p>
        {enrolling && setup && (
          <div className="totp-setup" data-testid="totp-setup">
            <QrCode text={setup.otpauthUri} label="QR code to add Veil to an authenticator app" />
            <p className="muted">Or type this key into the app:</p>
            <code className="totp-setup__secret" data-testid="totp-secret">
              {setup.secret.replace(/(.{4})/g, '$1 ').trim()}
            </code>
          </div>
        )}
        <form className="form" onSubmit={submit} data-testid="totp-form">
          {error && (
            <div className="notice notice--error" role="alert" data-testid="totp-error">
              {error}
            </div>
          )}
          <div className="field">
            <label htmlFor="totp-code">Authenticator code</label>
            <input
              id="totp-code"
              name="code"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9 ]{6,8}"
              required
              value={code}
              onChange={(e) => setCode(e.target.value)}
              data-testid="totp-code"
            />
          </div>
          <button
            type="submit"
            className="button button--primary button--block"
            disabled={pending || (enrolling && !setup)}
            data-testid="totp-submit"
          >
            {pending ? 'Checking…' : enrolling ? 'Turn on and continue' : 'Continue'}
          </button>
          <button type="button" className="button button--ghost button--block" onClick={onCancel}>
            Sign out
          </button>
        </form>
      </div>
    </main>
  );
}
