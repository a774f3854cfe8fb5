import { ROLES } from '@veil/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { LoginThrottle } from '../auth/LoginThrottle.js';
import { generatePassword, hashPassword, MAX_PASSWORD_LENGTH, verifyPassword } from '../auth/passwords.js';
import { AUTH_SESSION_MAX_MS, type Principal, SESSION_COOKIE } from '../auth/principal.js';
import { newSessionToken, tokenHash } from '../auth/secrets.js';
import { VeilError } from '../errors/VeilError.js';
import { addRoute } from '../http/addRoute.js';
import { errorResponses } from '../http/errorResponses.js';

const userSchema = z.object({ id: z.string(), email: z.string(), role: z.enum(ROLES) }).meta({ id: 'User' });
const meSchema = z.object({
  user: userSchema.nullable(),
  token: z.object({ id: z.string(), name: z.string(), role: z.enum(ROLES) }).optional(),
});

const loginSchema = z.object({
  email: z.string().trim().toLowerCase().min(3).max(320),
  password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
});

function describePrincipal(principal: Principal): z.infer<typeof meSchema> {
  if (principal.kind === 'user')
    return { user: { id: principal.userId, email: principal.email, role: principal.role } };
  return { user: null, token: { id: principal.tokenId, name: principal.name, role: principal.role } };
}

function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw new VeilError('unauthenticated', 'log in or send an API token');
  return request.principal;
}

/** Login with email and password (a `veil_session` cookie), logout, and who am I. */
export async function authRoutes(app: FastifyInstance): Promise<void> {
  const { store, clock, config } = app.veil;
  const throttle = new LoginThrottle(clock);
  // Unknown emails cost one argon2 verification too, so timing does not reveal which accounts exist.
  let decoyHash: Promise<string> | undefined;
  const decoy = () => {
    decoyHash ??= hashPassword(generatePassword(), config.passwordHashing);
    return decoyHash;
  };

  const secureCookie = (request: FastifyRequest): boolean =>
    config.secureCookies === 'always' || (config.secureCookies === 'auto' && request.protocol === 'https');

  addRoute(app, {
    method: 'POST',
    url: '/api/v1/auth/login',
    permission: 'public',
    body: loginSchema,
    doc: {
      summary: 'Log in; sets the veil_session cookie',
      tags: ['auth'],
      responses: {
        200: { description: 'Logged in', schema: z.object({ user: userSchema }) },
        ...errorResponses(400, 401, 429),
      },
    },
    handler: async ({ body, request, reply }) => {
      if (throttle.isBlocked(body.email)) {
        throw new VeilError('too_many_requests', 'too many failed logins for this account; try again later');
      }
      const user = await store.users.findByEmail(body.email);
      const ok = user
        ? await verifyPassword(user.passwordHash, body.password)
        : await verifyPassword(await decoy(), body.password);
      if (!user || !ok) {
        throttle.recordFailure(body.email);
        throw new VeilError('invalid_credentials', 'wrong email or password');
      }
      throttle.recordSuccess(body.email);
      const token = newSessionToken();
      const now = clock.now();
      await store.authSessions.create({
        tokenHash: tokenHash(token),
        userId: user.id,
        createdAt: now,
        expiresAt: now + AUTH_SESSION_MAX_MS,
      });
      reply.setCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'lax',
        path: '/',
        secure: secureCookie(request),
        maxAge: Math.floor(AUTH_SESSION_MAX_MS / 1000),
      });
      return { user: { id: user.id, email: user.email, role: user.role } };
    },
  });

  addRoute(app, {
    method: 'POST',
    url: '/api/v1/auth/logout',
    permission: 'authenticated',
    doc: {
      summary: 'End the cookie session',
      tags: ['auth'],
      responses: { 204: { description: 'Logged out' }, ...errorResponses(401) },
    },
    handler: async ({ request, reply }) => {
      const principal = requirePrincipal(request);
      if (principal.kind === 'user') await store.authSessions.delete(principal.authSessionId);
      reply.clearCookie(SESSION_COOKIE, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: secureCookie(request),
      });
      return reply.status(204).send();
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/auth/me',
    permission: 'authenticated',
    doc: {
      summary: 'The caller: a user (cookie) or an API token (bearer, `user` is null)',
      tags: ['auth'],
      responses: { 200: { description: 'The caller', schema: meSchema }, ...errorResponses(401) },
    },
    handler: async ({ request }) => describePrincipal(requirePrincipal(request)),
  });
}
