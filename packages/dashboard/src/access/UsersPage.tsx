import { ROLES, type Role } from '@veil/core';
import { type FormEvent, useMemo, useState } from 'react';
import { describeError } from '../api/ApiError';
import { useAuth } from '../auth/AuthContext';
import { ErrorNotice, Loading } from '../components/ErrorNotice';
import { PageHeading } from '../components/PageHeading';
import { formatDateTime } from '../format/dateTime';
import { useResource } from '../hooks/useResource';
import { type AccessApi, accessApi } from './accessApi';

/** "a, b" → ['a', 'b']; empty → every site (null). */
function sitesFromText(text: string): string[] | null {
  const keys = text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return keys.length === 0 ? null : keys;
}

const sitesText = (sites: 'all' | string[]) => (sites === 'all' ? 'every site' : sites.join(', '));

/** Users (roles, site restriction, TOTP, sign-out everywhere) and API tokens (scoped, expiring, revocable). */
export function UsersPage() {
  const { api, user: me } = useAuth();
  const access = useMemo(() => accessApi(api), [api]);
  const [users, reloadUsers] = useResource('users', (signal) => access.users(signal));
  const [tokens, reloadTokens] = useResource('tokens', (signal) => access.tokens(signal));
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function act(work: () => Promise<unknown>, done: string) {
    setError(null);
    setMessage(null);
    try {
      await work();
      setMessage(done);
      reloadUsers();
      reloadTokens();
    } catch (err) {
      setError(describeError(err));
    }
  }

  return (
    <>
      <PageHeading
        title="Users and tokens"
        description="You can grant only the roles and sites you hold yourself. Every change is recorded in the audit log."
        actions={
          <button
            type="button"
            className="button button--small"
            onClick={() =>
              act(() => access.logoutEverywhere(), 'Signed out everywhere.').then(() =>
                window.location.assign('/'),
              )
            }
            data-testid="logout-everywhere"
          >
            Sign me out everywhere
          </button>
        }
      />
      {message && (
        <p className="notice notice--success" role="status" data-testid="users-message">
          {message}
        </p>
      )}
      {error && (
        <p className="notice notice--error" role="alert" data-testid="users-error">
          {error}
        </p>
      )}
      <NewUserForm access={access} onDone={(m) => act(async () => undefined, m)} onError={setError} />
      <section className="card access-card" aria-labelledby="users-title">
        <h2 id="users-title" className="card__title">
          Users
        </h2>
        {users.status === 'loading' && <Loading label="Loading users…" />}
        {users.status === 'error' && (
          <ErrorNotice
            error={users.error}
            title="Could not load users"
            onRetry={reloadUsers}
            testId="users-load-error"
          />
        )}
        {users.status === 'ready' && (
          <div className="table-wrap">
            <table className="table table--compact" data-testid="users-table">
              <thead>
                <tr>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Sites</th>
                  <th scope="col">Sign-in</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {users.data.map((u) => (
                  <tr key={u.id} data-testid="user-row" data-email={u.email}>
                    <td>{u.email}</td>
                    <td>
                      <select
                        aria-label={`Role of ${u.email}`}
                        value={u.role}
                        disabled={u.id === me.id}
                        onChange={(e) =>
                          act(
                            () => access.updateUser(u.id, { role: e.target.value }),
                            `Role of ${u.email} changed.`,
                          )
                        }
                      >
                        {ROLES.map((r) => (
                          <option key={r} value={r}>
                            {r}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>{sitesText(u.sites)}</td>
                    <td>
                      {u.sso ? 'SSO' : 'password'}
                      {u.totpEnabled ? ' + TOTP' : ''}
                      {u.lockedUntil !== null && u.lockedUntil > Date.now()
                        ? ` · locked until ${formatDateTime(u.lockedUntil)}`
                        : ''}
                    </td>
                    <td className="table__actions">
                      <button
                        type="button"
                        className="button button--small"
                        onClick={() =>
                          act(() => access.logoutUser(u.id), `${u.email} signed out everywhere.`)
                        }
                      >
                        Sign out everywhere
                      </button>
                      {u.totpEnabled && (
                        <button
                          type="button"
                          className="button button--small"
                          onClick={() => act(() => access.resetTotp(u.id), `TOTP of ${u.email} reset.`)}
                        >
                          Reset TOTP
                        </button>
                      )}
                      {u.id !== me.id && (
                        <button
                          type="button"
                          className="button button--small button--danger"
                          onClick={() =>
                            window.confirm(`Remove ${u.email}?`) &&
                            act(() => access.deleteUser(u.id), `${u.email} removed.`)
                          }
                        >
                          Remove
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <TokensCard access={access} tokens={tokens} onChanged={reloadTokens} onError={setError} />
    </>
  );
}

function NewUserForm({
  access,
  onDone,
  onError,
}: {
  access: AccessApi;
  onDone: (m: string) => void;
  onError: (e: string) => void;
}) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('analyst');
  const [sites, setSites] = useState('');
  const [created, setCreated] = useState<{ email: string; password?: string | undefined } | null>(null);
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    try {
      const res = await access.createUser({ email: email.trim(), role, sites: sitesFromText(sites) });
      setCreated({ email: res.user.email, password: res.password });
      setEmail('');
      onDone(`${res.user.email} added.`);
    } catch (err) {
      onError(describeError(err));
    }
  }
  return (
    <section className="card access-card" aria-labelledby="new-user-title">
      <h2 id="new-user-title" className="card__title">
        Add a user
      </h2>
      <form className="form form--row" onSubmit={submit} data-testid="new-user-form">
        <div className="field">
          <label htmlFor="new-user-email">Email</label>
          <input
            id="new-user-email"
            type="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="new-user-role">Role</label>
          <select id="new-user-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="new-user-sites">Sites (keys; empty: every site)</label>
          <input id="new-user-sites" value={sites} onChange={(e) => setSites(e.target.value)} />
        </div>
        <button type="submit" className="button button--primary">
          Add
        </button>
      </form>
      {created?.password && (
        <p className="notice notice--info" data-testid="new-user-password">
          Password of {created.email}, shown once: <code>{created.password}</code>
        </p>
      )}
    </section>
  );
}

function TokensCard({
  access,
  tokens,
  onChanged,
  onError,
}: {
  access: AccessApi;
  tokens: ReturnType<typeof useResource<Awaited<ReturnType<AccessApi['tokens']>>>>[0];
  onChanged: () => void;
  onError: (e: string) => void;
}) {
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('analyst');
  const [sites, setSites] = useState('');
  const [days, setDays] = useState(90);
  const [shown, setShown] = useState<string | null>(null);
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    try {
      const res = await access.createToken({
        name: name.trim(),
        role,
        sites: sitesFromText(sites),
        expiresInDays: days,
      });
      setShown(res.token);
      setName('');
      onChanged();
    } catch (err) {
      onError(describeError(err));
    }
  }
  async function revoke(id: string) {
    try {
      await access.revokeToken(id);
      onChanged();
    } catch (err) {
      onError(describeError(err));
    }
  }
  return (
    <section className="card access-card" aria-labelledby="tokens-title">
      <h2 id="tokens-title" className="card__title">
        API tokens
      </h2>
      <form className="form form--row" onSubmit={submit} data-testid="new-token-form">
        <div className="field">
          <label htmlFor="token-name">Name</label>
          <input id="token-name" required value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="token-role">Role</label>
          <select id="token-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="token-sites">Sites (keys; empty: every site)</label>
          <input id="token-sites" value={sites} onChange={(e) => setSites(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="token-days">Expires in (days)</label>
          <input
            id="token-days"
            type="number"
            min={1}
            max={366}
            value={days}
            onChange={(e) => setDays(Number(e.target.value))}
          />
        </div>
        <button type="submit" className="button button--primary">
          Create token
        </button>
      </form>
      {shown && (
        <p className="notice notice--info" data-testid="new-token">
          The token, shown once: <code>{shown}</code>
        </p>
      )}
      {tokens.status === 'loading' && <Loading label="Loading tokens…" />}
      {tokens.status === 'error' && (
        <div data-testid="tokens-error">
          <ErrorNotice error={tokens.error} title="Could not load the API tokens" onRetry={onChanged} />
        </div>
      )}
      {tokens.status === 'ready' && (
        <div className="table-wrap">
          <table className="table table--compact" data-testid="tokens-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Sites</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.map((t) => (
                <tr key={t.id}>
                  <td>{t.name}</td>
                  <td>{t.role}</td>
                  <td>{sitesText(t.sites)}</td>
                  <td>{t.lastUsedAt ? formatDateTime(t.lastUsedAt) : 'never'}</td>
                  <td>{t.expiresAt ? formatDateTime(t.expiresAt) : 'never'}</td>
                  <td>
                    {t.revokedAt ? (
                      `revoked ${formatDateTime(t.revokedAt)}`
                    ) : (
                      <button
                        type="button"
                        className="button button--small button--danger"
                        onClick={() => revoke(t.id)}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
