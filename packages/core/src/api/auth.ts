import { z } from 'zod';
import { ROLES } from '../access/permissions.js';

/**
 * The answers of the sign-in endpoints (`/api/v1/auth/…`), in one place: the server declares them
 * on its routes (and in the OpenAPI document), the dashboard decodes with them.
 */

/** The signed-in user. */
export const authUserSchema = z
  .object({ id: z.string(), email: z.string(), role: z.enum(ROLES) })
  .meta({ id: 'User' });
export type AuthUser = z.output<typeof authUserSchema>;

export const secondFactorSchema = z
  .enum(['verified', 'pending', 'not_required'])
  .describe('pending: only TOTP verification/enrolment, /auth/me and logout are open');
export type SecondFactor = z.output<typeof secondFactorSchema>;

/** `GET /auth/me`: the caller, a user (cookie session) or an API token. */
export const authMeResponseSchema = z.object({
  user: authUserSchema.nullable(),
  token: z.object({ id: z.string(), name: z.string(), role: z.enum(ROLES) }).optional(),
  session: z
    .object({
      method: z.enum(['password', 'oidc']),
      secondFactor: secondFactorSchema,
      totpEnabled: z.boolean(),
      totpRequired: z.boolean(),
      /** Echo in X-CSRF-Token on every write made with this cookie. */
      csrfToken: z.string(),
      sites: z.union([z.literal('all'), z.array(z.string())]),
    })
    .optional(),
});
export type AuthMeResponse = z.output<typeof authMeResponseSchema>;

/** `POST /auth/login`. */
export const loginResponseSchema = z.object({
  user: authUserSchema,
  secondFactor: secondFactorSchema,
  totpEnabled: z.boolean(),
  csrfToken: z.string(),
});
export type LoginResponse = z.output<typeof loginResponseSchema>;
