import { type AuthUser, authMeResponseSchema, loginResponseSchema, type SecondFactor } from '@veil/core';
import { ApiError } from '../api/ApiError';
import type { ApiClient } from '../api/client';
import { decoder } from '../api/decoder';

/** The logged-in user, as `POST /auth/login` and `GET /auth/me` answer (core's schema). */
export type User = AuthUser;

/** The logged-in user and where its cookie session stands on its second factor. */
export interface WhoAmI {
  user: User;
  secondFactor: SecondFactor;
  totpEnabled: boolean;
  method: 'password' | 'oidc';
  /** The user's sites: `all`, or the ids of the sites it is restricted to. */
  sites?: 'all' | string[];
}

/**
 * `GET /auth/me`, decoded with the server's own schema: a caller without a cookie session (a bearer
 * token) counts as verified; one that is no user (an API token) is nobody the dashboard can show.
 */
const whoAmISchema = authMeResponseSchema.transform(({ user, session }): WhoAmI | null => {
  if (user === null) return null;
  if (session === undefined)
    return { user, secondFactor: 'verified', totpEnabled: false, method: 'password' };
  const { secondFactor, totpEnabled, method, sites } = session;
  return { user, secondFactor, totpEnabled, method, sites };
});

const userEnvelope = loginResponseSchema.transform((b): User => b.user);

/** The sign-in endpoints of docs/api.md (a 401 here ends no session: there is none yet). */
export function authApi(api: ApiClient) {
  return {
    login: (email: string, password: string, signal?: AbortSignal): Promise<User> =>
      api.request('/auth/login', decoder(userEnvelope), {
        method: 'POST',
        body: { email, password },
        signal,
        sessionBound: false,
      }),
    logout: async (): Promise<void> => {
      await api.request('/auth/logout', () => undefined, { method: 'POST', sessionBound: false });
    },
    /**
     * The logged-in user with where the session stands on its second factor, or null when there
     * is no session. A `pending` session reaches only the sign-in routes until TOTP is entered.
     */
    whoAmI: async (signal?: AbortSignal): Promise<WhoAmI | null> => {
      try {
        return await api.request('/auth/me', decoder(whoAmISchema), { signal, sessionBound: false });
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
  };
}
export type AuthApi = ReturnType<typeof authApi>;
