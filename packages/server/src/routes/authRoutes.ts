import {
  authMeResponseSchema,
  authProvidersResponseSchema,
  loginResponseSchema,
  roleRequiresSecondFactor,
  sessionsEndedResponseSchema,
} from '@veil/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../audit/auditActor.js';
import { LoginThrottle } from '../auth/LoginThrottle.js';
import { ACCOUNT_LOCK_MS, MAX_CONSECUTIVE_LOGIN_FAILURES } from '../auth/lockout.js';
import {
  generatePassword,
  hashPassword,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  verifyPassword,
} from '../auth/passwords.js';
import type { Principal } from '../auth/principal.js';
import { clearSessionCookies, csrfTokenOfRequest, startCookieSession } from '../auth/sessionCookies.js';
import { checkTotpCode } from '../auth/totpCheck.js';
import { VeilError } from '../errors/VeilError.js';
import { addRoute } from '../http/addRoute.js';
import { errorResponses } from '../http/errorResponses.js';
import type { UserRecord } from '../storage/accounts/UserRepository.js';

// The response schemas live in @veil/core (api/auth.ts): the dashboard decodes with them.
const meSchema = authMeResponseSchema;

const loginSchema = z.object({
  email: z.string().trim().toLowerCase().min(3).max(320),
  password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
  totp: z.string().trim().max(16).optional().describe('the authenticator code, for users who have TOTP'),
});

function describePrincipal(principal: Principal, request: FastifyRequest): z.infer<typeof meSchema> {
  if (principal.kind === 'token') {
    return { user: null, token: { id: principal.tokenId, name: principal.name, role: principal.role } };
  }
  return {
    user: { id: principal.userId, email: principal.email, role: principal.role },
    session: {
      method: principal.method,
      secondFactor: principal.secondFactor,
      totpEnabled: principal.totpEnabled,
      totpRequired: roleRequiresSecondFactor(principal.role),
      csrfToken: csrfTokenOfRequest(request) ?? '',
      sites: principal.sites === 'all' ? 'all' : [...principal.sites],
    },
  };
}

export function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw new VeilError('unauthenticated', 'log in or send an API token');
  return request.principal;
}

export function requireUser(request: FastifyRequest): Extract<Principal, { kind: 'user' }> {
  const principal = requirePrincipal(request);
  if (principal.kind !== 'user') throw new VeilError('forbidden', 'only a signed-in user can do this');
  return principal;
}

/**
 * Password login (throttled per email, accounts locked after repeated failures, TOTP inline or in
 * a second step), logout, sign out everywhere, password change, who am I, and the sign-in options.
 */
export async function authRoutes(app: FastifyInstance): Promise<void> {
  const { store, clock, config, audit } = app.veil;
  const throttle = new LoginThrottle(clock);
  // Unknown emails cost one argon2 verification too, so timing does not reveal which accounts exist.
  let decoyHash: Promise<string> | undefined;
  const decoy = () => {
    decoyHash ??= hashPassword(generatePassword(), config.passwordHashing);
    return decoyHash;
  };

  const refuse = async (user: UserRecord, reason: string) => {
    const { lockedUntil, failedLogins } = await store.users.recordLoginFailure(
      user.id,
      clock.now(),
      MAX_CONSECUTIVE_LOGIN_FAILURES,
      ACCOUNT_LOCK_MS,
    );
    const actor = { type: 'user' as const, id: user.id, label: user.email };
    await audit.record({
      action: 'auth.login_failed',
      actor,
      target: { type: 'user', id: user.id },
      details: { method: 'password', reason },
    });
    if (lockedUntil !== null && lockedUntil > clock.now() && failedLogins >= MAX_CONSECUTIVE_LOGIN_FAILURES) {
      await audit.record({
        action: 'auth.locked_out',
        actor,
        target: { type: 'user', id: user.id },
        details: { until: lockedUntil, failures: failedLogins },
      });
    }
  };

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/auth/providers',
    permission: 'public',
    site: 'global',
    doc: {
      summary: 'How one can sign in here: password, and single sign-on when configured',
      tags: ['auth'],
      responses: {
        200: {
          description: 'Sign-in options',
          schema: authProvidersResponseSchema,
        },
      },
    },
    handler: async () => ({
      password: true,
      oidc: config.oidc ? { label: config.oidc.label, startUrl: '/api/v1/auth/oidc/start' } : null,
    }),
  });

  addRoute(app, {
    method: 'POST',
    url: '/api/v1/auth/login',
    permission: 'public',
    site: 'global',
    body: loginSchema,
    doc: {
      summary: 'Log in; sets the veil_session and veil_csrf cookies',
      description:
        'Roles that can watch raw replays or change policy need a second factor: send `totp` with the ' +
        'password, or log in without it and POST /auth/totp/verify (or enrol with /auth/totp/setup). ' +
        `After ${MAX_CONSECUTIVE_LOGIN_FAILURES} consecutive failures the account locks for ` +
        `${ACCOUNT_LOCK_MS / 60_000} minutes.`,
      tags: ['auth'],
      responses: {
        200: { description: 'Logged in', schema: loginResponseSchema },
        ...errorResponses(400, 401, 429),
      },
    },
    handler: async ({ body, request, reply }) => {
      if (throttle.isBlocked(body.email)) {
        throw new VeilError('too_many_requests', 'too many failed logins for this account; try again later');
      }
      const user = await store.users.findByEmail(body.email);
      const now = clock.now();
      if (user?.lockedUntil != null && user.lockedUntil > now) {
        reply.header('Retry-After', String(Math.ceil((user.lockedUntil - now) / 1000)));
        throw new VeilError('too_many_requests', 'too many failed logins for this account; try again later');
      }
      const ok = user
        ? await verifyPassword(user.passwordHash, body.password)
        : await verifyPassword(await decoy(), body.password);
      if (!user || !ok) {
        throttle.recordFailure(body.email);
        if (user) await refuse(user, 'password');
        throw new VeilError('invalid_credentials', 'wrong email or password');
      }
      const totpEnabled = user.totpEnabledAt !== null;
      let secondFactorAt: number | null = null;
      if (totpEnabled && body.totp !== undefined) {
        if (!(await checkTotpCode(app.veil, user, body.totp))) {
          throttle.recordFailure(body.email);
          await refuse(user, 'totp');
          throw new VeilError('invalid_totp', 'wrong or already used authenticator code');
        }
        secondFactorAt = now;
      }
      throttle.recordSuccess(body.email);
      await store.users.recordLoginSuccess(user.id);
      const needsSecondFactor = totpEnabled || roleRequiresSecondFactor(user.role);
      const secondFactor =
        secondFactorAt !== null ? 'verified' : needsSecondFactor ? 'pending' : 'not_required';
      const { csrfToken } = await startCookieSession(app.veil, request, reply, {
        userId: user.id,
        method: 'password',
        secondFactorAt,
      });
      await audit.record({
        action: 'auth.login_succeeded',
        actor: { type: 'user', id: user.id, label: user.email },
        target: { type: 'user', id: user.id },
        details: { method: 'password', totp: secondFactorAt !== null, secondFactor },
      });
      return {
        user: { id: user.id, email: user.email, role: user.role },
        secondFactor,
        totpEnabled,
        csrfToken,
      };
    },
  });

  addRoute(app, {
    method: 'POST',
    url: '/api/v1/auth/logout',
    permission: 'authenticated',
    site: 'global',
    allowPendingSecondFactor: true,
    doc: {
      summary: 'End the cookie session',
      tags: ['auth'],
      responses: { 204: { description: 'Logged out' }, ...errorResponses(401, 403) },
    },
    handler: async ({ request, reply }) => {
      const principal = requirePrincipal(request);
      if (principal.kind === 'user') {
        await store.authSessions.delete(principal.authSessionId);
        await audit.record({ action: 'auth.logged_out', actor: actorOf(principal), details: {} });
      }
      clearSessionCookies(config, request, reply);
      return reply.status(204).send();
    },
  });

  addRoute(app, {
    method: 'POST',
    url: '/api/v1/auth/logout-everywhere',
    permission: 'authenticated',
    site: 'global',
    allowPendingSecondFactor: true,
    doc: {
      summary: 'End every session of the signed-in user, on every device',
      tags: ['auth'],
      responses: {
        200: { description: 'Sessions ended', schema: sessionsEndedResponseSchema },
        ...errorResponses(401, 403),
      },
    },
    handler: async ({ request, reply }) => {
      const principal = requireUser(request);
      const sessionsEnded = await store.authSessions.deleteAllForUser(principal.userId);
      await audit.record({
        action: 'auth.logged_out_everywhere',
        actor: actorOf(principal),
        target: { type: 'user', id: principal.userId },
        details: { sessionsEnded },
      });
      clearSessionCookies(config, request, reply);
      return { sessionsEnded };
    },
  });

  addRoute(app, {
    method: 'POST',
    url: '/api/v1/auth/password',
    permission: 'authenticated',
    site: 'global',
    body: z.object({
      currentPassword: z.string().min(1).max(MAX_PASSWORD_LENGTH),
      newPassword: z.string().min(MIN_PASSWORD_LENGTH).max(MAX_PASSWORD_LENGTH),
    }),
    doc: {
      summary: 'Change your password; every other session of yours ends',
      tags: ['auth'],
      responses: { 204: { description: 'Changed' }, ...errorResponses(400, 401, 403) },
    },
    handler: async ({ body, request, reply }) => {
      const principal = requireUser(request);
      const user = await store.users.findById(principal.userId);
      if (!user || !(await verifyPassword(user.passwordHash, body.currentPassword))) {
        throw new VeilError('invalid_credentials', 'the current password is wrong');
      }
      await store.users.update(user.id, {
        passwordHash: await hashPassword(body.newPassword, config.passwordHashing),
      });
      const sessionsEnded = await store.authSessions.deleteAllForUser(user.id);
      await audit.record({
        action: 'auth.password_changed',
        actor: actorOf(principal),
        target: { type: 'user', id: user.id },
        details: { sessionsEnded },
      });
      // The caller's own session ended with the others: it signs in again with the new password.
      clearSessionCookies(config, request, reply);
      return reply.status(204).send();
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/auth/me',
    permission: 'authenticated',
    site: 'global',
    allowPendingSecondFactor: true,
    doc: {
      summary:
        'The caller: a user (cookie; with its session: second factor, CSRF token, sites) or an API token (bearer, `user` is null)',
      tags: ['auth'],
      responses: { 200: { description: 'The caller', schema: meSchema }, ...errorResponses(401) },
    },
    handler: async ({ request }) => describePrincipal(requirePrincipal(request), request),
  });
}
