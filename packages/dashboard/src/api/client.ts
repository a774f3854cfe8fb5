import { ApiError, apiErrorFromBody } from './ApiError';
import { DecodeError } from './DecodeError';

export { ApiError } from './ApiError';

/** Everything the API client needs from its surroundings (a fake `fetch` in tests). */
export interface ApiClientOptions {
  /** Origin-relative prefix of the API. @default '/api/v1' */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Called when an authenticated call answers 401: the cookie session has ended. */
  onUnauthenticated?: () => void;
}

/** How one call is made; `decode` (a zod `decoder`) checks what comes back. */
export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal | undefined;
  /** When false, a 401 is only an error (login, `/auth/me`): it does not end the app's session. */
  sessionBound?: boolean;
}

/** The transport of docs/api.md: same origin, cookie session, CSRF header, error envelope. */
export class ApiClient {
  readonly #baseUrl: string;
  readonly #fetch: typeof fetch;
  readonly #onUnauthenticated: (() => void) | undefined;

  constructor(options: ApiClientOptions = {}) {
    this.#baseUrl = options.baseUrl ?? '/api/v1';
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#onUnauthenticated = options.onUnauthenticated;
  }

  /**
   * One call of docs/api.md, its envelope checked and its body decoded at the boundary: every
   * failure is an `ApiError`. Each feature's `*Api.ts` builds its calls on this with its zod
   * schemas (`decoder`), instead of growing this class.
   */
  async request<T>(path: string, decode: (body: unknown) => T, options: RequestOptions = {}): Promise<T> {
    const body = await this.#request(path, options);
    try {
      return decode(body);
    } catch (error) {
      if (error instanceof DecodeError) throw new ApiError('bad_response', error.message, 200);
      throw error;
    }
  }

  /**
   * A file the server streams (an audit export): the same transport and error envelope, the body
   * returned as a Blob to save, with the file name of its `Content-Disposition`.
   */
  async download(
    path: string,
    options: RequestOptions = {},
  ): Promise<{ blob: Blob; filename: string | null }> {
    const response = await this.#send(path, options);
    if (!response.ok) {
      const error = apiErrorFromBody(response.status, await readJson(response).catch(() => undefined));
      if (response.status === 401 && options.sessionBound !== false) this.#onUnauthenticated?.();
      throw error;
    }
    const disposition = response.headers.get('content-disposition') ?? '';
    return { blob: await response.blob(), filename: /filename="([^"]+)"/.exec(disposition)?.[1] ?? null };
  }

  async #request(path: string, options: RequestOptions): Promise<unknown> {
    const response = await this.#send(path, options);
    const body = await readJson(response);
    if (!response.ok) {
      const error = apiErrorFromBody(response.status, body);
      if (response.status === 401 && options.sessionBound !== false) this.#onUnauthenticated?.();
      throw error;
    }
    return body;
  }

  async #send(path: string, options: RequestOptions): Promise<Response> {
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
    try {
      return await this.#fetch(`${this.#baseUrl}${path}`, init);
    } catch (error) {
      if (options.signal?.aborted) throw new ApiError('aborted', 'The request was cancelled.', 0);
      throw new ApiError('network_error', error instanceof Error ? error.message : 'Network error', 0);
    }
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
