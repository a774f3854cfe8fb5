import { totpSetupResponseSchema } from '@veil/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../audit/auditActor.js';
import { ACCOUNT_LOCK_MS, MAX_CONSECUTIVE_LOGIN_FAILURES } from '../auth/lockout.js';
import { base32Encode, generateTotpSecret, otpauthUri } from '../auth/totp.js';
import { checkTotpCode, totpStepOf } from '../auth/totpCheck.js';
import { sealTotpSecret } from '../auth/totpSecretBox.js';
import { VeilError } from '../errors/VeilError.js';
import { addRoute } from '../http/addRoute.js';
import { errorResponses } from '../http/errorResponses.js';
import { requireUser } from './authRoutes.js';

const codeBody = z.object({
  code: z.string().trim().min(6).max(16).describe('the 6-digit authenticator code'),
});

/**
 * TOTP: enrolment (a new secret, confirmed by a first code) and the second step of a login. Open
 * to sessions that still owe their second factor; a user who already has TOTP cannot enrol again
 * (an attacker with only the password must not replace it): an admin resets it instead.
 */
export async function totpRoutes(app: FastifyInstance): Promise<void> {
  const { store, clock, cipher, audit } = app.veil;

  addRoute(app, {
    method: 'POST',
    url: '/api/v1/auth/totp/setup',
    permission: 'authenticated',
    site: 'global',
    allowPendingSecondFactor: true,
    doc: {
      summary: 'Start TOTP enrolment: a new secret and its otpauth:// URI (shown once)',
      tags: ['auth'],
      responses: {
        200: {
          description:
            'Scan the URI (or type the secret) into an authenticator app, then POST /auth/totp/enable',
          schema: totpSetupResponseSchema,
        },
        ...errorResponses(401, 403, 409),
      },
    },
    handler: async ({ request }) => {
      const principal = requireUser(request);
      const user = await store.users.findById(principal.userId);
      if (!user) throw new VeilError('unauthenticated', 'log in again');
      if (user.totpEnabledAt !== null) {
        throw new VeilError('conflict', 'two-factor authentication is on already; an admin can reset it');
      }
      const secret = generateTotpSecret();
      await store.users.setPendingTotp(user.id, sealTotpSecret(cipher, user.id, secret));
      return { secret: base32Encode(secret), otpauthUri: otpauthUri(secret, user.email) };
    },
  });

  addRoute(app, {
    method: 'POST',
    url: '/api/v1/auth/totp/enable',
    permission: 'authenticated',
    site: 'global',
    allowPendingSecondFactor: true,
    body: codeBody,
    doc: {
      summary: 'Confirm enrolment with a first code: TOTP is on, and this session has passed it',
      tags: ['auth'],
      responses: { 204: { description: 'TOTP is on' }, ...errorResponses(400, 401, 403, 409) },
    },
    handler: async ({ body, request, reply }) => {
      const principal = requireUser(request);
      const user = await store.users.findById(principal.userId);
      if (!user) throw new VeilError('unauthenticated', 'log in again');
      if (user.totpEnabledAt !== null)
        throw new VeilError('conflict', 'two-factor authentication is on already');
      if (!user.totpSecretSealed) throw new VeilError('conflict', 'start with POST /api/v1/auth/totp/setup');
      const step = totpStepOf(app.veil, user, body.code);
      if (step === undefined) throw new VeilError('invalid_totp', 'wrong authenticator code');
      const now = clock.now();
      await store.users.enableTotp(user.id, now, step);
      await store.authSessions.markSecondFactor(principal.authSessionId, now);
      await audit.record({
        action: 'auth.totp_enrolled',
        actor: actorOf(principal),
        target: { type: 'user', id: user.id },
        details: {},
      });
      return reply.status(204).send();
    },
  });

  addRoute(app, {
    method: 'POST',
    url: '/api/v1/auth/totp/verify',
    permission: 'authenticated',
    site: 'global',
    allowPendingSecondFactor: true,
    body: codeBody,
    doc: {
      summary:
        'The second step of a login: the authenticator code; counts toward the account lock when wrong',
      tags: ['auth'],
      responses: {
        204: { description: 'This session passed its second factor' },
        ...errorResponses(400, 401, 403, 429),
      },
    },
    handler: async ({ body, request, reply }) => {
      const principal = requireUser(request);
      const user = await store.users.findById(principal.userId);
      if (!user) throw new VeilError('unauthenticated', 'log in again');
      if (user.totpEnabledAt === null)
        throw new VeilError('conflict', 'enrol first: POST /api/v1/auth/totp/setup');
      const now = clock.now();
      if (user.lockedUntil !== null && user.lockedUntil > now) {
        throw new VeilError(
          'too_many_requests',
          'too many failed attempts for this account; try again later',
        );
      }
      if (!(await checkTotpCode(app.veil, user, body.code))) {
        const { lockedUntil } = await store.users.recordLoginFailure(
          user.id,
          now,
          MAX_CONSECUTIVE_LOGIN_FAILURES,
          ACCOUNT_LOCK_MS,
        );
        await audit.record({
          action: 'auth.second_factor_failed',
          actor: actorOf(principal),
          target: { type: 'user', id: user.id },
          details: { method: 'totp' },
        });
        if (lockedUntil !== null && lockedUntil > now) {
          // The lock ends this session too: the next attempt starts from the password again.
          await store.authSessions.deleteAllForUser(user.id);
          await audit.record({
            action: 'auth.locked_out',
            actor: actorOf(principal),
            target: { type: 'user', id: user.id },
            details: { until: lockedUntil, failures: MAX_CONSECUTIVE_LOGIN_FAILURES },
          });
        }
        throw new VeilError('invalid_totp', 'wrong or already used authenticator code');
      }
      await store.users.recordLoginSuccess(user.id);
      await store.authSessions.markSecondFactor(principal.authSessionId, now);
      await audit.record({
        action: 'auth.second_factor_passed',
        actor: actorOf(principal),
        target: { type: 'user', id: user.id },
        details: { method: 'totp' },
      });
      return reply.status(204).send();
    },
  });
}
