import {
  INVENTORY_STATUSES,
  inventoryApproveBodySchema,
  inventoryExcludeBodySchema,
  inventoryItemEnvelopeSchema,
  inventoryResponseSchema,
} from '@veil/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../audit/auditActor.js';
import { VeilError } from '../errors/VeilError.js';
import { addRoute } from '../http/addRoute.js';
import { errorResponses } from '../http/errorResponses.js';
import { InventoryService, type Reviewer } from '../inventory/InventoryService.js';
import type { SiteRecord } from '../storage/sites/SiteRepository.js';
import { siteKeyParams } from './siteRoutes.js';

const itemParams = siteKeyParams.extend({ itemId: z.uuid() });

function reviewerOf(request: FastifyRequest): Reviewer {
  const actor = actorOf(request.principal);
  if (actor.type !== 'user' && actor.type !== 'token') throw new VeilError('unauthenticated', 'log in first');
  return { actor, author: { type: actor.type, id: actor.id, label: actor.label ?? '' } };
}

/** The data inventory of a site (docs/inventory.md): the list, approving and excluding items. */
export async function inventoryRoutes(app: FastifyInstance): Promise<void> {
  const { store, clock, audit } = app.veil;
  const inventory = new InventoryService({ store, clock, audit });
  const siteOf = async (siteKey: string): Promise<SiteRecord> => {
    const site = await store.sites.findByKey(siteKey);
    if (!site) throw new VeilError('unknown_site', 'no site has this key');
    return site;
  };

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites/:siteKey/inventory',
    permission: 'policy:read',
    site: 'siteKey',
    params: siteKeyParams,
    querystring: z.object({
      status: z.enum(INVENTORY_STATUSES).optional().describe('only items in this review state'),
      page: z.string().min(1).max(300).optional().describe('only this page pattern and its elements'),
    }),
    doc: {
      summary:
        "The site's data inventory: pages, form fields, iframes and sensitive-looking elements seen in its recordings, how each is captured, its review, and where recordings go (storage, retention)",
      tags: ['inventory'],
      responses: {
        200: { description: 'The inventory', schema: inventoryResponseSchema },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ params, query }) => {
      const site = await siteOf(params.siteKey);
      return inventory.listing(site, { status: query.status, pagePattern: query.page });
    },
  });

  addRoute(app, {
    method: 'POST',
    url: '/api/v1/sites/:siteKey/inventory/:itemId/approve',
    permission: 'policy:write',
    site: 'siteKey',
    params: itemParams,
    body: inventoryApproveBodySchema,
    doc: {
      summary:
        'Approve a pending inventory item as in scope, with an optional note (audited; resolves its scope-drift alert)',
      tags: ['inventory'],
      responses: {
        200: { description: 'The item', schema: inventoryItemEnvelopeSchema },
        ...errorResponses(400, 401, 403, 404, 409),
      },
    },
    handler: async ({ params, body, request }) => {
      const site = await siteOf(params.siteKey);
      const note = body.note && body.note.length > 0 ? body.note : null;
      const { siteId: _s, ...item } = await inventory.approve(site, params.itemId, reviewerOf(request), note);
      return { item };
    },
  });

  addRoute(app, {
    method: 'POST',
    url: '/api/v1/sites/:siteKey/inventory/:itemId/exclude',
    permission: 'policy:write',
    site: 'siteKey',
    params: itemParams,
    body: inventoryExcludeBodySchema,
    doc: {
      summary:
        'Exclude an inventory item: publishes a policy version with a block or mask rule (a page: the page deny list) and the reason (audited; resolves its scope-drift alert)',
      tags: ['inventory'],
      responses: {
        200: {
          description: 'The item, with the rule and policy version',
          schema: inventoryItemEnvelopeSchema,
        },
        ...errorResponses(400, 401, 403, 404, 409),
      },
    },
    handler: async ({ params, body, request }) => {
      const site = await siteOf(params.siteKey);
      const { siteId: _s, ...item } = await inventory.exclude(site, params.itemId, reviewerOf(request), body);
      return { item };
    },
  });
}
