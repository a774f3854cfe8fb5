import { siteEnvelopeSchema, sitesResponseSchema } from '@veil/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { canSeeSite } from '../auth/principal.js';
import { VeilError } from '../errors/VeilError.js';
import { addRoute } from '../http/addRoute.js';
import { errorResponses } from '../http/errorResponses.js';
import { createSite, newSiteSchema } from '../sites/createSite.js';
import { siteView } from '../sites/siteView.js';

export const siteKeyParams = z.object({
  siteKey: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'is not a site key'),
});

/** Sites: list, create, read. */
export async function siteRoutes(app: FastifyInstance): Promise<void> {
  const { store, clock } = app.veil;

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites',
    permission: 'sites:read',
    site: 'filtered',
    doc: {
      summary: 'List sites',
      tags: ['sites'],
      responses: {
        200: { description: 'Every site', schema: sitesResponseSchema },
        ...errorResponses(401, 403),
      },
    },
    handler: async ({ request }) => ({
      sites: (await store.sites.list())
        .filter((site) => canSeeSite(request.principal, site.id))
        .map(siteView),
    }),
  });

  addRoute(app, {
    method: 'POST',
    url: '/api/v1/sites',
    permission: 'sites:write',
    // A new site lies outside every site-restricted caller's sites: only a caller with every site
    // adds one (a restricted admin answers 403), so no path widens a restricted caller's scope.
    site: 'allSites',
    body: newSiteSchema,
    doc: {
      summary:
        'Create a site (default privacy policy with its sampling rate and lawful basis); callers with every site only',
      tags: ['sites'],
      responses: {
        201: { description: 'Created', schema: siteEnvelopeSchema },
        ...errorResponses(400, 401, 403),
      },
    },
    handler: async ({ body, reply }) => {
      const site = await createSite(store, clock, body);
      return reply.status(201).send({ site: siteView(site) });
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites/:siteKey',
    permission: 'sites:read',
    site: 'siteKey',
    params: siteKeyParams,
    doc: {
      summary: 'One site',
      tags: ['sites'],
      responses: {
        200: { description: 'The site', schema: siteEnvelopeSchema },
        ...errorResponses(401, 403, 404),
      },
    },
    handler: async ({ params }) => {
      const site = await store.sites.findByKey(params.siteKey);
      if (!site) throw new VeilError('not_found', 'no site has this key');
      return { site: siteView(site) };
    },
  });
}
