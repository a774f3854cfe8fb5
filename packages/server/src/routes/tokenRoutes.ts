import {
  type apiTokenSchema,
  createdTokenResponseSchema,
  ROLES,
  roleWithin,
  tokenListResponseSchema,
} from '@veil/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { assertMayGrantRole, resolveGrantedSites, siteKeysOf, siteKeysSchema } from '../access/delegation.js';
import { tokenObject } from '../access/objectScopes.js';
import { actorOf } from '../audit/auditActor.js';
import {
  createApiToken,
  DEFAULT_TOKEN_LIFETIME_DAYS,
  MAX_TOKEN_LIFETIME_DAYS,
} from '../auth/createApiToken.js';
import type { Principal } from '../auth/principal.js';
import { VeilError } from '../errors/VeilError.js';
import { addRoute } from '../http/addRoute.js';
import { errorResponses } from '../http/errorResponses.js';
import { sitesWithin } from '../http/siteScope.js';
import type { ApiTokenRecord } from '../storage/accounts/ApiTokenRepository.js';
import type { Store } from '../storage/Store.js';
import { requirePrincipal } from './authRoutes.js';

async function tokenView(store: Store, record: ApiTokenRecord): Promise<z.infer<typeof apiTokenSchema>> {
  return {
    id: record.id,
    name: record.name,
    role: record.role,
    sites: record.allSites ? 'all' : await siteKeysOf(store, await store.apiTokens.siteIds(record.id)),
    createdBy: record.createdBy,
    createdAt: record.createdAt,
    lastUsedAt: record.lastUsedAt,
    expiresAt: record.expiresAt,
    revokedAt: record.revokedAt,
  };
}

/**
 * A token may be revoked only by someone who holds every permission of its role, and never when it
 * was created by a user of a role beyond the caller's (the owner's tokens stay the owner's). Its
 * sites were checked by access control (another site's token is 404).
 */
async function assertMayRevoke(store: Store, actor: Principal, record: ApiTokenRecord): Promise<void> {
  if (!roleWithin(record.role, actor.role))
    throw new VeilError('forbidden', `a ${actor.role} cannot revoke a ${record.role} token`);
  const creator = record.createdBy === null ? undefined : await store.users.findById(record.createdBy);
  if (creator && !roleWithin(creator.role, actor.role))
    throw new VeilError('forbidden', `a ${actor.role} cannot revoke a token of a ${creator.role}`);
}

/** API tokens: scoped to a role and sites, shown once, stored hashed, expiring, revocable. */
export async function tokenRoutes(app: FastifyInstance): Promise<void> {
  const { store, clock, audit } = app.veil;

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/tokens',
    permission: 'tokens:write',
    site: 'filtered',
    doc: {
      summary: 'Every API token (never its value), newest first',
      tags: ['tokens'],
      responses: {
        200: { description: 'Tokens', schema: tokenListResponseSchema },
        ...errorResponses(401, 403),
      },
    },
    handler: async ({ request }) => {
      const actor = requirePrincipal(request);
      const tokens: z.infer<typeof apiTokenSchema>[] = [];
      for (const record of await store.apiTokens.list()) {
        const sites = record.allSites ? 'all' : await store.apiTokens.siteIds(record.id);
        if (sitesWithin(actor.sites, sites)) tokens.push(await tokenView(store, record));
      }
      return { tokens };
    },
  });

  addRoute(app, {
    method: 'POST',
    url: '/api/v1/tokens',
    permission: 'tokens:write',
    site: 'body',
    body: z.object({
      name: z.string().trim().min(1).max(200),
      role: z.enum(ROLES),
      sites: siteKeysSchema.default(null),
      expiresInDays: z
        .number()
        .int()
        .min(1)
        .max(MAX_TOKEN_LIFETIME_DAYS)
        .default(DEFAULT_TOKEN_LIFETIME_DAYS),
    }),
    doc: {
      summary: 'Create an API token; its value is in this response only',
      description:
        'You can grant only roles and sites you hold yourself. Tokens are not asked for a second factor.',
      tags: ['tokens'],
      responses: {
        201: { description: 'Created', schema: createdTokenResponseSchema },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ body, request, reply }) => {
      const actor = requirePrincipal(request);
      assertMayGrantRole(actor, body.role);
      const siteIds = await resolveGrantedSites(store, actor, body.sites);
      const { token, record } = await createApiToken(store, clock, {
        role: body.role,
        name: body.name,
        // A token minted by a token answers to the same person (null: made by the CLI).
        createdBy:
          actor.kind === 'user'
            ? actor.userId
            : ((await store.apiTokens.findById(actor.tokenId))?.createdBy ?? null),
        expiresInDays: body.expiresInDays,
        siteIds,
      });
      const view = await tokenView(store, record);
      await audit.record({
        action: 'token.created',
        actor: actorOf(actor),
        target: { type: 'token', id: record.id },
        details: { name: record.name, role: record.role, sites: view.sites, expiresAt: record.expiresAt },
      });
      return reply.status(201).send({ token, record: view });
    },
  });

  addRoute(app, {
    method: 'DELETE',
    url: '/api/v1/tokens/:id',
    permission: 'tokens:write',
    site: tokenObject,
    params: z.object({ id: z.uuid() }),
    doc: {
      summary: 'Revoke a token: it stops working at once',
      tags: ['tokens'],
      responses: { 204: { description: 'Revoked' }, ...errorResponses(401, 403, 404) },
    },
    handler: async ({ params, request, reply }) => {
      const actor = requirePrincipal(request);
      const record = await store.apiTokens.findById(params.id);
      if (!record) throw new VeilError('not_found', 'no such token');
      await assertMayRevoke(store, actor, record);
      if (await store.apiTokens.revoke(record.id, clock.now())) {
        await audit.record({
          action: 'token.revoked',
          actor: actorOf(actor),
          target: { type: 'token', id: record.id },
          details: { name: record.name, role: record.role },
        });
      }
      return reply.status(204).send();
    },
  });
}
