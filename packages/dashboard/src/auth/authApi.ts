import { ROLES } from '@veil/core';
import { z } from 'zod';
import { ApiError } from '../api/ApiError';
import type { ApiClient } from '../api/client';
import { decoder } from '../api/decoder';

/** The logged-in user, as `POST /auth/login` and `GET /auth/me` answer. */
const userSchema = z.object({ id: z.string(), email: z.string(), role: z.enum(ROLES) });
export type User = z.infer<typeof userSchema>;

const sessionFactorSchema = z.object({
  secondFactor: z.enum(['verified', 'pending', 'not_required']),
  totpEnabled: z.boolean(),
  method: z.enum(['password', 'oidc']),
  /** The user's sites: `all`, or the ids of the sites it is restricted to. */
  sites: z.union([z.literal('all'), z.array(z.string())]).optional(),
});
type SessionFactor = z.infer<typeof sessionFactorSchema>;

/** A bearer token has no cookie `session`: treated as verified. */
const NO_COOKIE_SESSION: SessionFactor = { secondFactor: 'verified', totpEnabled: false, method: 'password' };

/** `GET /auth/me` of a cookie session: the user and where the session stands on its second factor. */
const whoAmISchema = z
  .object({ user: userSchema, session: sessionFactorSchema.optional() })
  .transform(({ user, session }) => ({ user, ...(session ?? NO_COOKIE_SESSION) }));
export type WhoAmI = z.infer<typeof whoAmISchema>;

const userEnvelope = z.object({ user: userSchema }).transform((b): User => b.user);

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
