import type { SessionFilters } from '../sessions/sessionFilters';
import { sessionFiltersToApiParams } from '../sessions/sessionFilters';
import { ApiError, apiErrorFromBody } from './ApiError';
import {
  DecodeError,
  decodeSessionDetail,
  decodeSessionEvents,
  decodeSessionList,
  decodeSiteEnvelope,
  decodeSites,
  decodeUserEnvelope,
  decodeWhoAmI,
} from './decode';
import type { SessionDetail, SessionEvents, SessionListPage, Site, User, WhoAmI } from './types';

export { ApiError } from './ApiError';

/** Everything the API client needs from its surroundings (a fake `fetch` in tests). */
export interface ApiClientOptions {
  /** Origin-relative prefix of the API. @default '/api/v1' */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Called when an authenticated call answers 401: the cookie session has ended. */
  onUnauthenticated?: () => void;
}

interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal | undefined;
  /** When false, a 401 is only an error (login, me): it does not end the app's session. */
  sessionBound?: boolean;
}

/** Page size the session list asks for. */
export const SESSION_PAGE_SIZE = 50;

/** The typed client of docs/api.md, same origin, cookie session. */
export class ApiClient {
  readonly #baseUrl: string;
  readonly #fetch: typeof fetch;
  readonly #onUnauthenticated: (() => void) | undefined;

  constructor(options: ApiClientOptions = {}) {
    this.#baseUrl = options.baseUrl ?? '/api/v1';
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#onUnauthenticated = options.onUnauthenticated;
  }

  async login(email: string, password: string, signal?: AbortSignal): Promise<User> {
    return this.#call('/auth/login', decodeUserEnvelope, {
      method: 'POST',
      body: { email, password },
      signal,
      sessionBound: false,
    });
  }

  async logout(): Promise<void> {
    await this.#call('/auth/logout', () => undefined, { method: 'POST', sessionBound: false });
  }

  /**
   * The logged-in user with where the session stands on its second factor, or null when there is
   * no session. A `pending` session reaches only the sign-in routes until TOTP is entered.
   */
  async whoAmI(signal?: AbortSignal): Promise<WhoAmI | null> {
    try {
      return await this.#call('/auth/me', decodeWhoAmI, { signal, sessionBound: false });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return null;
      throw error;
    }
  }

  /** The logged-in user, or null when there is no session. */
  async me(signal?: AbortSignal): Promise<User | null> {
    try {
      return await this.#call('/auth/me', decodeUserEnvelope, { signal, sessionBound: false });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return null;
      throw error;
    }
  }

  async listSites(signal?: AbortSignal): Promise<Site[]> {
    return this.#call('/sites', decodeSites, { signal });
  }

  async getSite(siteKey: string, signal?: AbortSignal): Promise<Site> {
    return this.#call(`/sites/${encodeURIComponent(siteKey)}`, decodeSiteEnvelope, { signal });
  }

  async listSessions(
    siteKey: string,
    filters: SessionFilters,
    cursor: string | null,
    signal?: AbortSignal,
  ): Promise<SessionListPage> {
    const params = sessionFiltersToApiParams(filters);
    params.set('limit', String(SESSION_PAGE_SIZE));
    if (cursor !== null) params.set('cursor', cursor);
    const path = `/sites/${encodeURIComponent(siteKey)}/sessions?${params.toString()}`;
    return this.#call(path, decodeSessionList, { signal });
  }

  async getSession(id: string, signal?: AbortSignal): Promise<SessionDetail> {
    return this.#call(`/sessions/${encodeURIComponent(id)}`, decodeSessionDetail, { signal });
  }

  /** A raw replay access: the server logs it with `purpose`. */
  async getSessionEvents(
    id: string,
    purpose: string,
    signal?: AbortSignal,
    ticket = '',
  ): Promise<SessionEvents> {
    const query = new URLSearchParams({ purpose });
    if (ticket !== '') query.set('ticket', ticket);
    const path = `/sessions/${encodeURIComponent(id)}/events?${query.toString()}`;
    return this.#call(path, decodeSessionEvents, { signal });
  }

  /**
   * Any JSON endpoint of docs/api.md, decoded at the boundary: feature modules (compliance,
   * heatmaps…) build their calls on this instead of growing this class.
   */
  async request<T>(
    path: string,
    decode: (body: unknown) => T,
    options: Pick<RequestOptions, 'method' | 'body' | 'signal'> = {},
  ): Promise<T> {
    return this.#call(path, decode, options);
  }

  /** One request, its envelope checked and its body decoded: every failure is an `ApiError`. */
  async #call<T>(path: string, decode: (body: unknown) => T, options: RequestOptions): Promise<T> {
    const body = await this.#request(path, options);
    try {
      return decode(body);
    } catch (error) {
      if (error instanceof DecodeError) throw new ApiError('bad_response', error.message, 200);
      throw error;
    }
  }

  async #request(path: string, options: RequestOptions): Promise<unknown> {
    const init: RequestInit = {
      method: options.method ?? 'GET',
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
      signal: options.signal ?? null,
    };
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(options.body);
    }
    // Cookie-authenticated writes carry the session's CSRF token (the server refuses them without).
    const csrf = init.method === 'GET' ? undefined : csrfTokenFromCookie();
    if (csrf) headers['x-csrf-token'] = csrf;
    init.headers = headers;
    let response: Response;
    try {
      response = await this.#fetch(`${this.#baseUrl}${path}`, init);
    } catch (error) {
      if (options.signal?.aborted) throw new ApiError('aborted', 'The request was cancelled.', 0);
      throw new ApiError('network_error', error instanceof Error ? error.message : 'Network error', 0);
    }
    const body = await readJson(response);
    if (!response.ok) {
      const error = apiErrorFromBody(response.status, body);
      if (response.status === 401 && options.sessionBound !== false) this.#onUnauthenticated?.();
      throw error;
    }
    return body;
  }
}

/** The readable `veil_csrf` cookie the server sets at login (absent outside a browser). */
export function csrfTokenFromCookie(): string | undefined {
  if (typeof document === 'undefined') return undefined;
  const match = /(?:^|;\s*)veil_csrf=([^;]+)/.exec(document.cookie);
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}

async function readJson(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    if (!response.ok) return undefined;
    throw new ApiError(
      'bad_response',
      'The server answered with something that is not JSON.',
      response.status,
    );
  }
}
