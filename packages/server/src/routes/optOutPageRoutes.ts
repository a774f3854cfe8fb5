import { bannerLanguage, optOutTextsFor } from '@veil/core';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { renderOptOutPage } from '../optout/optOutPage.js';
import { EVERY_SITE } from '../storage/consent/createOptOutRepository.js';
import type { SiteRecord } from '../storage/sites/SiteRepository.js';

/** A form post is a few dozen bytes. */
const MAX_FORM_BYTES = 4 * 1024;

const idPattern = /^[A-Za-z0-9_-]{8,64}$/;
const pageQuery = z.object({
  site: z.string().regex(idPattern).optional(),
  visitor: z.string().regex(idPattern).optional(),
  lang: z.string().max(35).optional(),
});
const formBody = z.object({
  site: z.string().regex(idPattern),
  visitor: z.string().regex(idPattern),
  scope: z.enum(['site', 'instance']).default('site'),
  lang: z.string().max(35).optional(),
});

/** Its Content-Security-Policy comes with the security headers (`OPT_OUT_PAGE_CSP_DIRECTIVES`). */
function pageHeaders(reply: FastifyReply): FastifyReply {
  return reply.header('Cache-Control', 'no-store').type('text/html; charset=utf-8');
}

/**
 * The opt-out page served by Veil (`GET /optout`, `POST /optout`): no login, no script, no cookie.
 * A post puts the visitor id in the opt-out registry of the site or of every site; the visitor's
 * batches are refused at ingest from then on.
 */
export async function optOutPageRoutes(app: FastifyInstance): Promise<void> {
  const { store, clock } = app.veil;

  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: MAX_FORM_BYTES },
    (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    },
  );

  const siteOf = async (siteKey: string | undefined): Promise<SiteRecord | undefined> =>
    siteKey === undefined ? undefined : store.sites.findByKey(siteKey);
  const langOf = (query: string | undefined, header: string | undefined): string =>
    bannerLanguage(query ?? header?.split(',')[0]);

  app.route({
    method: 'GET',
    url: '/optout',
    config: {
      permission: 'public',
      openapi: {
        summary: 'The opt-out page (HTML form; ?site=SITE_KEY&visitor=VISITOR_ID)',
        tags: ['consent'],
        querystring: pageQuery,
        responses: { 200: { description: 'HTML', contentType: 'text/html' } },
      },
    },
    handler: async (request, reply) => {
      const parsed = pageQuery.safeParse(request.query);
      const q = parsed.success ? parsed.data : {};
      const site = await siteOf(q.site);
      const lang = langOf(q.lang, request.headers['accept-language']);
      return pageHeaders(reply).send(
        renderOptOutPage({
          lang,
          texts: optOutTextsFor(lang),
          siteName: site?.name ?? null,
          siteKey: site?.siteKey ?? null,
          visitorId: q.visitor ?? null,
        }),
      );
    },
  });

  app.route({
    method: 'POST',
    url: '/optout',
    config: {
      permission: 'public',
      openapi: {
        summary: 'Opt a visitor id out of recording (form post of the opt-out page)',
        tags: ['consent'],
        body: formBody,
        bodyContentTypes: ['application/x-www-form-urlencoded'],
        responses: {
          200: { description: 'HTML confirmation' },
          400: { description: 'HTML with the problem' },
        },
      },
    },
    handler: async (request, reply) => {
      const parsed = formBody.safeParse(request.body ?? {});
      const raw = (request.body ?? {}) as Record<string, string | undefined>;
      const lang = langOf(raw.lang, request.headers['accept-language']);
      const texts = optOutTextsFor(lang);
      const site = await siteOf(parsed.success ? parsed.data.site : raw.site);
      if (!parsed.success || !site) {
        return pageHeaders(reply.status(400)).send(
          renderOptOutPage({
            lang,
            texts,
            siteName: site?.name ?? null,
            siteKey: site?.siteKey ?? null,
            visitorId: null,
            error: site
              ? 'That visitor id is not valid: 8 to 64 letters, digits, - or _.'
              : 'No site has that key.',
          }),
        );
      }
      const { visitor, scope } = parsed.data;
      const created = await store.optOuts.add({
        scope: scope === 'instance' ? EVERY_SITE : site.id,
        subject: { kind: 'visitor', visitorId: visitor },
        source: 'optout',
        createdAt: clock.now(),
      });
      return pageHeaders(reply).send(
        renderOptOutPage({
          lang,
          texts,
          siteName: site.name,
          siteKey: site.siteKey,
          visitorId: visitor,
          done: { scope, created },
        }),
      );
    },
  });
}
