import { useEffect, useMemo, useState } from 'react';
import type { ApiClient } from '../api/client';
import { accessApi } from './accessApi';

const SSO_ERRORS: Readonly<Record<string, string>> = {
  sso_failed: 'Single sign-on did not complete. Try again.',
  sso_expired: 'Single sign-on took too long. Try again.',
  sso_no_role: 'Your account at the identity provider is in no group that has access to Veil.',
  sso_no_email: 'The identity provider did not share your email address.',
  sso_locked: 'This account is locked for a while after failed sign-ins.',
  sso_link_not_allowed:
    'An account with your email exists already. Ask an administrator to allow single sign-on for it.',
};

/** The reason a single sign-on came back refused (`/?sso_error=…`), for the login page. */
export function ssoErrorFromLocation(): string | null {
  if (typeof window === 'undefined') return null;
  const code = new URLSearchParams(window.location.search).get('sso_error');
  return code ? (SSO_ERRORS[code] ?? SSO_ERRORS.sso_failed ?? null) : null;
}

/**
 * "Sign in with …" when the server has single sign-on configured; nothing otherwise. When the
 * server cannot be asked, it says so (a missing button would read as "no single sign-on here").
 */
export function SsoButton({ api }: { api: ApiClient }) {
  const access = useMemo(() => accessApi(api), [api]);
  const [sso, setSso] = useState<{ label: string; startUrl: string } | null | 'failed'>(null);
  useEffect(() => {
    const controller = new AbortController();
    access.providers(controller.signal).then(
      (p) => setSso(p.oidc),
      () => {
        if (!controller.signal.aborted) setSso('failed');
      },
    );
    return () => controller.abort();
  }, [access]);
  if (sso === 'failed')
    return (
      <p className="notice notice--error" role="alert" data-testid="sso-error">
        Could not check for single sign-on. Reload the page to try again.
      </p>
    );
  if (!sso) return null;
  return (
    <div className="login__sso">
      <div className="login__divider" aria-hidden="true">
        or
      </div>
      <a className="button button--block" href={sso.startUrl} data-testid="sso-login">
        {sso.label}
      </a>
    </div>
  );
}
