import { describe, expect, it, vi } from 'vitest';
import { ApiError, describeError } from '../../src/api/ApiError';
import { ApiClient } from '../../src/api/client';
import { authApi } from '../../src/auth/authApi';
import { replayApi } from '../../src/replay/replayApi';
import { EMPTY_SESSION_FILTERS } from '../../src/sessions/sessionFilters';
import { sessionsApi } from '../../src/sessions/sessionsApi';
import { sitesApi } from '../../src/sites/sitesApi';

interface Call {
  url: string;
  init: RequestInit | undefined;
}

function fakeFetch(status: number, body: unknown, calls: Call[] = []): typeof fetch {
  return async (input, init) => {
    calls.push({ url: String(input), init });
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    return new Response(status === 204 ? null : text, {
      status,
      headers: { 'content-type': 'application/json' },
    });
  };
}

/** The raw replay server: a grant for the POST, `events` for the GET under it. */
function replayFetch(events: unknown, calls: Call[] = []): typeof fetch {
  const grant = fakeFetch(201, { grant: { id: 'g1', purpose: 'p', ticket: null, expiresAt: 5 } }, calls);
  const read = fakeFetch(200, events, calls);
  return (input, init) => (init?.method === 'POST' ? grant(input, init) : read(input, init));
}

const SESSION = {
  id: 'sess_12345678',
  siteKey: 'site_1234',
  startedAt: 1,
  receivedAt: 1,
  endedAt: 2,
  durationMs: 1,
  pageCount: 1,
  entryUrl: 'https://a.example/',
  deviceClass: 'mobile',
  viewportWidth: 390,
  eventCount: 3,
  finalised: true,
  demo: false,
  signals: {
    rageClicks: 3,
    deadClicks: 1,
    quickBacks: 0,
    excessiveScrolls: 0,
    errorClicks: 0,
    jsErrors: 2,
    failedRequests: 0,
  },
};

/** The grant a raw replay access runs under, as the server answers it. */
const GRANT = { id: 'g1', purpose: 'p', ticket: null, expiresAt: 5 };

/** What `POST /auth/login` answers besides the user. */
const LOGGED_IN = { secondFactor: 'verified', totpEnabled: true, csrfToken: 'c'.repeat(43) };

describe('ApiClient', () => {
  it('logs in with JSON and decodes the user', async () => {
    const calls: Call[] = [];
    const api = new ApiClient({
      fetch: fakeFetch(200, { user: { id: 'u1', email: 'a@b.c', role: 'owner' }, ...LOGGED_IN }, calls),
    });
    await expect(authApi(api).login('a@b.c', 'pw')).resolves.toEqual({
      id: 'u1',
      email: 'a@b.c',
      role: 'owner',
    });
    expect(calls[0]?.url).toBe('/api/v1/auth/login');
    expect(calls[0]?.init?.method).toBe('POST');
    expect(calls[0]?.init?.body).toBe('{"email":"a@b.c","password":"pw"}');
    expect(calls[0]?.init?.credentials).toBe('same-origin');
  });

  it('turns the error envelope into an ApiError with code, message and status', async () => {
    const onUnauthenticated = vi.fn();
    const api = new ApiClient({
      fetch: fakeFetch(401, { error: { code: 'invalid_credentials', message: 'Wrong email or password.' } }),
      onUnauthenticated,
    });
    const error = await authApi(api)
      .login('a@b.c', 'bad')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      code: 'invalid_credentials',
      message: 'Wrong email or password.',
      status: 401,
    });
    // A failed login is not "your session ended".
    expect(onUnauthenticated).not.toHaveBeenCalled();
  });

  it('reports an ended session on a 401 from an authenticated call', async () => {
    const onUnauthenticated = vi.fn();
    const api = new ApiClient({
      fetch: fakeFetch(401, { error: { code: 'unauthenticated', message: 'Sign in.' } }),
      onUnauthenticated,
    });
    await expect(sitesApi(api).list()).rejects.toMatchObject({ code: 'unauthenticated' });
    expect(onUnauthenticated).toHaveBeenCalledOnce();
  });

  it('answers whoAmI() with null when there is no session', async () => {
    const api = new ApiClient({
      fetch: fakeFetch(401, { error: { code: 'unauthenticated', message: 'x' } }),
    });
    await expect(authApi(api).whoAmI()).resolves.toBeNull();
  });

  it('keeps unknown codes and non-envelope bodies readable', async () => {
    const unknown = new ApiClient({
      fetch: fakeFetch(418, { error: { code: 'teapot', message: 'Short and stout' } }),
    });
    await expect(sitesApi(unknown).list()).rejects.toMatchObject({
      code: 'http_error',
      message: 'Short and stout',
    });
    const html = new ApiClient({ fetch: fakeFetch(502, '<html>Bad gateway</html>') });
    await expect(sitesApi(html).list()).rejects.toMatchObject({ code: 'http_error', status: 502 });
  });

  it('reports a network failure', async () => {
    const api = new ApiClient({
      fetch: async () => {
        throw new TypeError('Failed to fetch');
      },
    });
    const error = await sitesApi(api)
      .list()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'network_error', status: 0 });
    expect(describeError(error)).toMatch(/could not be reached/);
  });

  it('rejects an answer of the wrong shape as bad_response, naming the field', async () => {
    const api = new ApiClient({
      fetch: fakeFetch(200, { sessions: [{ ...SESSION, deviceClass: 'fridge' }], nextCursor: null }),
    });
    await expect(sessionsApi(api).list('site_1234', EMPTY_SESSION_FILTERS, null)).rejects.toMatchObject({
      code: 'bad_response',
      message: expect.stringContaining('body.sessions[0].deviceClass'),
    });
  });

  it('sends filters, limit and cursor, and decodes the page', async () => {
    const calls: Call[] = [];
    const api = new ApiClient({ fetch: fakeFetch(200, { sessions: [SESSION], nextCursor: 'next1' }, calls) });
    const page = await sessionsApi(api).list(
      'site/1',
      { ...EMPTY_SESSION_FILTERS, device: 'mobile', page: '/a b' },
      'cur0',
    );
    expect(page).toEqual({ sessions: [SESSION], nextCursor: 'next1' });
    const url = new URL(calls[0]?.url ?? '', 'http://x');
    expect(url.pathname).toBe('/api/v1/sites/site%2F1/sessions');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      device: 'mobile',
      page: '/a b',
      limit: '50',
      cursor: 'cur0',
    });
  });

  it('opens a grant with the purpose in a POST body, then reads the events under it', async () => {
    const calls: Call[] = [];
    const events = [{ type: 4, timestamp: 1, data: { href: 'https://a.example/' } }];
    const api = new ApiClient({
      fetch: replayFetch({ sessionId: 's1', purpose: 'Bug #1', grant: GRANT, events }, calls),
    });
    const answer = await replayApi(api).events('s1', 'Bug #1 & more', undefined, 'JIRA-1');
    expect(answer.events).toEqual(events);
    expect(calls[0]?.url).toBe('/api/v1/sessions/s1/replay-grants');
    expect(calls[0]?.init?.method).toBe('POST');
    expect(JSON.parse(String(calls[0]?.init?.body))).toEqual({ purpose: 'Bug #1 & more', ticket: 'JIRA-1' });
    expect(calls[1]?.url).toBe('/api/v1/sessions/s1/events?grant=g1');
    expect(calls[1]?.init?.method).toBe('GET');
  });

  it('refuses events without a numeric type and timestamp', async () => {
    const api = new ApiClient({
      fetch: replayFetch({
        sessionId: 's1',
        purpose: 'p',
        grant: GRANT,
        events: [{ type: 9, timestamp: 1 }],
      }),
    });
    await expect(replayApi(api).events('s1', 'p')).rejects.toMatchObject({ code: 'bad_response' });
  });

  it('decodes a session with its pages', async () => {
    const api = new ApiClient({
      fetch: fakeFetch(200, {
        session: { ...SESSION, pages: [{ url: 'https://a.example/', title: 'Home', ts: 1 }] },
      }),
    });
    await expect(sessionsApi(api).get('sess_12345678')).resolves.toMatchObject({
      pages: [{ title: 'Home', ts: 1 }],
    });
  });

  it('treats logout 204 as success', async () => {
    const api = new ApiClient({ fetch: fakeFetch(204, undefined) });
    await expect(authApi(api).logout()).resolves.toBeUndefined();
  });

  it('decodes the nulls the server answers (core schemas): no entry page, no device class, no title', async () => {
    const bare = { ...SESSION, entryUrl: null, deviceClass: null, viewportWidth: null };
    const list = new ApiClient({ fetch: fakeFetch(200, { sessions: [bare], nextCursor: null }) });
    await expect(sessionsApi(list).list('site_1234', EMPTY_SESSION_FILTERS, null)).resolves.toEqual({
      sessions: [{ ...bare, entryUrl: '' }],
      nextCursor: null,
    });
    const page = { url: 'https://a.example/', title: null, ts: 1 };
    const detail = new ApiClient({ fetch: fakeFetch(200, { session: { ...SESSION, pages: [page] } }) });
    await expect(sessionsApi(detail).get('sess_12345678')).resolves.toEqual({
      ...SESSION,
      pages: [{ ...page, title: '' }],
    });
    const token = new ApiClient({
      fetch: fakeFetch(200, { user: null, token: { id: 't1', name: 'ci', role: 'analyst' } }),
    });
    await expect(authApi(token).whoAmI()).resolves.toBeNull();
    const me = new ApiClient({
      fetch: fakeFetch(200, { user: { id: 'u1', email: 'a@b.c', role: 'owner' } }),
    });
    await expect(authApi(me).whoAmI()).resolves.toEqual({
      user: { id: 'u1', email: 'a@b.c', role: 'owner' },
      secondFactor: 'verified',
      totpEnabled: false,
      method: 'password',
    });
  });

  it('decodes the second factor of a cookie session and the grant of a raw replay access', async () => {
    const me = new ApiClient({
      fetch: fakeFetch(200, {
        user: { id: 'u1', email: 'a@b.c', role: 'replay_viewer' },
        session: {
          secondFactor: 'pending',
          totpEnabled: true,
          totpRequired: true,
          method: 'oidc',
          csrfToken: 'c'.repeat(43),
          sites: 'all',
        },
      }),
    });
    await expect(authApi(me).whoAmI()).resolves.toMatchObject({
      secondFactor: 'pending',
      totpEnabled: true,
      method: 'oidc',
    });
    const grant = { ...GRANT, ticket: 'JIRA-1' };
    const events = new ApiClient({
      fetch: replayFetch({ sessionId: 's1', purpose: 'p', grant, events: [] }),
    });
    await expect(replayApi(events).events('s1', 'p')).resolves.toMatchObject({ grant });
    const badGrant = new ApiClient({
      fetch: replayFetch({ sessionId: 's1', purpose: 'p', grant: { ticket: null }, events: [] }),
    });
    await expect(replayApi(badGrant).events('s1', 'p')).rejects.toMatchObject({
      code: 'bad_response',
      message: expect.stringContaining('body.grant.'),
    });
  });

  it('refuses a site with an unknown lawful basis and a user with an unknown role', async () => {
    const site = {
      siteKey: 'site_1234',
      name: 'A',
      origins: ['https://a.example'],
      samplingPercent: 20,
      createdAt: 1,
    };
    const ok = new ApiClient({ fetch: fakeFetch(200, { sites: [{ ...site, lawfulBasis: 'consent' }] }) });
    await expect(sitesApi(ok).list()).resolves.toEqual([{ ...site, lawfulBasis: 'consent' }]);
    const bad = new ApiClient({ fetch: fakeFetch(200, { site: { ...site, lawfulBasis: 'vibes' } }) });
    await expect(sitesApi(bad).get('site_1234')).rejects.toMatchObject({
      code: 'bad_response',
      message: expect.stringContaining('body.site.lawfulBasis'),
    });
    const role = new ApiClient({
      fetch: fakeFetch(200, { user: { id: 'u1', email: 'a@b.c', role: 'root' }, ...LOGGED_IN }),
    });
    await expect(authApi(role).login('a@b.c', 'pw')).rejects.toMatchObject({ code: 'bad_response' });
  });
});
