import {
  createdUserResponseSchema,
  managedUserEnvelopeSchema,
  type managedUserSchema,
  ROLES,
  roleWithin,
  sessionsEndedResponseSchema,
  userListResponseSchema,
} from '@veil/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { assertMayGrantRole, resolveGrantedSites, siteKeysOf, siteKeysSchema } from '../access/delegation.js';
import { userObject } from '../access/objectScopes.js';
import { actorOf } from '../audit/auditActor.js';
import {
  generatePassword,
  hashPassword,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
} from '../auth/passwords.js';
import type { Principal } from '../auth/principal.js';
import { VeilError } from '../errors/VeilError.js';
import { addRoute } from '../http/addRoute.js';
import { errorResponses } from '../http/errorResponses.js';
import { sitesWithin } from '../http/siteScope.js';
import { LastOwnerError, type UserRecord } from '../storage/accounts/UserRepository.js';
import type { Store } from '../storage/Store.js';
import { requirePrincipal } from './authRoutes.js';

const userParams = z.object({ id: z.uuid() });

async function managedUser(store: Store, user: UserRecord): Promise<z.infer<typeof managedUserSchema>> {
  return {
    id: user.id,
    email: user.email,
    role: user.role,
    sites: user.allSites ? 'all' : await siteKeysOf(store, await store.users.siteIds(user.id)),
    totpEnabled: user.totpEnabledAt !== null,
    sso: user.oidcSubject !== null,
    ssoLinkAllowed: user.ssoLinkAllowed,
    lockedUntil: user.lockedUntil,
    createdAt: user.createdAt,
  };
}

/** True when every site of `user` is one `actor` sees (a user of every site: only for all-sites actors). */
export async function userSitesWithin(store: Store, actor: Principal, user: UserRecord): Promise<boolean> {
  return sitesWithin(actor.sites, user.allSites ? 'all' : await store.users.siteIds(user.id));
}

/**
 * A user may be changed only by someone who holds every permission of that user's role (access
 * control has already hidden users with sites beyond the caller's).
 */
function assertMayManage(actor: Principal, target: UserRecord): void {
  if (!roleWithin(target.role, actor.role)) {
    throw new VeilError('forbidden', `a ${actor.role} cannot change a ${target.role}`);
  }
}

/** The store refuses to remove the last owner (inside its transaction): a 409 here. */
async function keepingAnOwner<T>(change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } catch (error) {
    if (error instanceof LastOwnerError) throw new VeilError('conflict', 'Veil keeps at least one owner');
    throw error;
  }
}

/** Users: list, create (with optional site restriction), change role or sites, delete, end sessions, reset TOTP. */
export async function userRoutes(app: FastifyInstance): Promise<void> {
  const { store, clock, config, audit } = app.veil;

  const findTarget = async (id: string) => {
    const user = await store.users.findById(id);
    if (!user) throw new VeilError('not_found', 'no such user');
    return user;
  };

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/users',
    permission: 'users:read',
    site: 'filtered',
    doc: {
      summary: 'Every user with role, sites, TOTP and lock state',
      tags: ['users'],
      responses: {
        200: { description: 'Users by email', schema: userListResponseSchema },
        ...errorResponses(401, 403),
      },
    },
    handler: async ({ request }) => {
      const actor = requirePrincipal(request);
      const users: z.infer<typeof managedUserSchema>[] = [];
      for (const user of await store.users.list()) {
        if (await userSitesWithin(store, actor, user)) users.push(await managedUser(store, user));
      }
      return { users };
    },
  });

  addRoute(app, {
    method: 'POST',
    url: '/api/v1/users',
    permission: 'users:write',
    site: 'body',
    body: z.object({
      email: z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^[^\s@]+@[^\s@]+$/, 'is not an email')
        .max(320),
      role: z.enum(ROLES),
      password: z.string().min(MIN_PASSWORD_LENGTH).max(MAX_PASSWORD_LENGTH).optional(),
      sites: siteKeysSchema.default(null),
    }),
    doc: {
      summary: 'Add a user; a generated password is returned once when none is given',
      description: 'You can grant only roles and sites you hold yourself.',
      tags: ['users'],
      responses: {
        201: {
          description: 'Created',
          schema: createdUserResponseSchema,
        },
        ...errorResponses(400, 401, 403, 404, 409),
      },
    },
    handler: async ({ body, request, reply }) => {
      const actor = requirePrincipal(request);
      assertMayGrantRole(actor, body.role);
      const siteIds = await resolveGrantedSites(store, actor, body.sites);
      const password = body.password ?? generatePassword();
      const user = await store.users.create({
        email: body.email,
        role: body.role,
        passwordHash: await hashPassword(password, config.passwordHashing),
        createdAt: clock.now(),
        siteIds,
      });
      if (!user) throw new VeilError('conflict', 'a user with this email exists already');
      const view = await managedUser(store, user);
      await audit.record({
        action: 'user.created',
        actor: actorOf(actor),
        target: { type: 'user', id: user.id },
        details: { email: user.email, role: user.role, sites: view.sites },
      });
      return reply.status(201).send({ user: view, ...(body.password ? {} : { password }) });
    },
  });

  addRoute(app, {
    method: 'PATCH',
    url: '/api/v1/users/:id',
    permission: 'users:write',
    site: userObject,
    params: userParams,
    body: z.object({
      role: z.enum(ROLES).optional(),
      sites: siteKeysSchema.optional(),
      allowSsoLink: z
        .boolean()
        .optional()
        .describe('let single sign-on link this account by its email at its next SSO login'),
    }),
    doc: {
      summary:
        "Change a user's role, site restriction or SSO linking permission (takes effect on their next request)",
      tags: ['users'],
      responses: {
        200: { description: 'The user', schema: managedUserEnvelopeSchema },
        ...errorResponses(400, 401, 403, 404, 409),
      },
    },
    handler: async ({ params, body, request }) => {
      const actor = requirePrincipal(request);
      const target = await findTarget(params.id);
      assertMayManage(actor, target);
      if (body.role !== undefined) {
        assertMayGrantRole(actor, body.role);
      }
      const siteIds =
        body.sites === undefined ? undefined : await resolveGrantedSites(store, actor, body.sites);
      const before = await managedUser(store, target);
      const updated = await keepingAnOwner(() =>
        store.users.update(target.id, { role: body.role, siteIds, ssoLinkAllowed: body.allowSsoLink }),
      );
      if (!updated) throw new VeilError('not_found', 'no such user');
      const after = await managedUser(store, updated);
      const changes = (['role', 'sites', 'ssoLinkAllowed'] as const)
        .filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]))
        .map((field) => ({ field, before: before[field], after: after[field] }));
      if (changes.length > 0) {
        await audit.record({
          action: 'user.updated',
          actor: actorOf(actor),
          target: { type: 'user', id: target.id },
          details: { email: target.email, changes },
        });
      }
      return { user: after };
    },
  });

  addRoute(app, {
    method: 'DELETE',
    url: '/api/v1/users/:id',
    permission: 'users:write',
    site: userObject,
    params: userParams,
    doc: {
      summary:
        'Remove a user (their sessions end and their API tokens are revoked; their audit entries stay)',
      tags: ['users'],
      responses: { 204: { description: 'Removed' }, ...errorResponses(401, 403, 404, 409) },
    },
    handler: async ({ params, request, reply }) => {
      const actor = requirePrincipal(request);
      const target = await findTarget(params.id);
      assertMayManage(actor, target);
      // Their API tokens go with them: a removed account must not keep working through a token
      // (the tokens' creator would otherwise be forgotten, and nobody could tell them apart).
      const theirs = (await store.apiTokens.list()).filter(
        (token) => token.createdBy === target.id && token.revokedAt === null,
      );
      await keepingAnOwner(() => store.users.delete(target.id));
      const tokensRevoked: string[] = [];
      for (const token of theirs)
        if (await store.apiTokens.revoke(token.id, clock.now())) tokensRevoked.push(token.id);
      await audit.record({
        action: 'user.deleted',
        actor: actorOf(actor),
        target: { type: 'user', id: target.id },
        details: { email: target.email, role: target.role, tokensRevoked },
      });
      return reply.status(204).send();
    },
  });

  addRoute(app, {
    method: 'POST',
    url: '/api/v1/users/:id/logout-everywhere',
    permission: 'users:write',
    site: userObject,
    params: userParams,
    doc: {
      summary: 'End every session of a user (a lost laptop, a leaving employee)',
      tags: ['users'],
      responses: {
        200: { description: 'Sessions ended', schema: sessionsEndedResponseSchema },
        ...errorResponses(401, 403, 404),
      },
    },
    handler: async ({ params, request }) => {
      const actor = requirePrincipal(request);
      const target = await findTarget(params.id);
      assertMayManage(actor, target);
      const sessionsEnded = await store.authSessions.deleteAllForUser(target.id);
      await audit.record({
        action: 'auth.logged_out_everywhere',
        actor: actorOf(actor),
        target: { type: 'user', id: target.id },
        details: { sessionsEnded, email: target.email },
      });
      return { sessionsEnded };
    },
  });

  addRoute(app, {
    method: 'POST',
    url: '/api/v1/users/:id/totp-reset',
    permission: 'users:write',
    site: userObject,
    params: userParams,
    doc: {
      summary: "Remove a user's TOTP (a lost phone): their sessions end and they enrol again at next sign-in",
      tags: ['users'],
      responses: { 204: { description: 'Reset' }, ...errorResponses(401, 403, 404) },
    },
    handler: async ({ params, request, reply }) => {
      const actor = requirePrincipal(request);
      const target = await findTarget(params.id);
      assertMayManage(actor, target);
      await store.users.resetTotp(target.id);
      const sessionsEnded = await store.authSessions.deleteAllForUser(target.id);
      await audit.record({
        action: 'auth.totp_reset',
        actor: actorOf(actor),
        target: { type: 'user', id: target.id },
        details: { email: target.email, sessionsEnded },
      });
      return reply.status(204).send();
    },
  });
}
