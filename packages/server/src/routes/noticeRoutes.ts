import { disclosureNoticeResponseSchema } from '@veil/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { VeilError } from '../errors/VeilError.js';
import { addRoute } from '../http/addRoute.js';
import { errorResponses } from '../http/errorResponses.js';
import { PolicyService } from '../privacy/PolicyService.js';
import { siteNotice } from '../privacy/siteNotice.js';
import { siteKeyParams } from './siteRoutes.js';

export const noticeQuery = z.object({
  lang: z.enum(['en', 'de']).default('en'),
  format: z.enum(['html', 'markdown']).default('markdown'),
});

/** Generated disclosure notices (privacy and cookie policy text) of a site, from its live policy. */
export async function noticeRoutes(app: FastifyInstance): Promise<void> {
  const { store, clock, audit } = app.veil;
  const policies = new PolicyService({ store, clock, audit });

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites/:siteKey/notice',
    permission: 'policy:read',
    site: 'siteKey',
    params: siteKeyParams,
    querystring: noticeQuery,
    doc: {
      summary:
        "Disclosure text for the site's privacy and cookie policies, generated from its current policy version (English or German, HTML or Markdown)",
      tags: ['policy'],
      responses: {
        200: {
          description: 'The notice and the policy version it reflects',
          schema: disclosureNoticeResponseSchema,
        },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ params, query, request }) => {
      const site = await store.sites.findByKey(params.siteKey);
      if (!site) throw new VeilError('unknown_site', 'no site has this key');
      return siteNotice(policies, site, {
        language: query.lang,
        format: query.format,
        veilOrigin: `${request.protocol}://${request.host}`,
        now: clock.now(),
      });
    },
  });
}
