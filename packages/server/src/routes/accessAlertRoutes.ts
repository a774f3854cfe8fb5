import { accessAlertListResponseSchema } from '@veil/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { accessAlertObject } from '../access/objectScopes.js';
import { actorOf } from '../audit/auditActor.js';
import { VeilError } from '../errors/VeilError.js';
import { addRoute } from '../http/addRoute.js';
import { errorResponses } from '../http/errorResponses.js';
import { RAW_REPLAY_WINDOW_MS } from '../replay/replayGrants.js';
import { requirePrincipal } from './authRoutes.js';
import { siteKeyParams } from './siteRoutes.js';

/** The most raw replays per hour a site may allow one person before an alert. */
export const MAX_RAW_REPLAYS_PER_HOUR = 10_000;

/** Access-anomaly alerts (more raw replays per hour than a site allows) and each site's limit. */
export async function accessAlertRoutes(app: FastifyInstance): Promise<void> {
  const { store, clock, audit } = app.veil;

  const listQuery = z.object({
    open: z.enum(['true', 'false']).default('false').describe('only unacknowledged alerts'),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  });

  /**
   * Alerts newest first, of the sites `siteIds` only (`'all'`: every alert, also one of no site).
   * Each alert counts one person's raw replays on one site, so a caller holding that site sees all
   * of it; an alert of a site it lacks, or of no site, it does not see at all (fails closed).
   */
  const alertList = async (query: z.infer<typeof listQuery>, siteIds: 'all' | readonly string[]) => {
    const alerts = await store.accessAlerts.list({
      unacknowledgedOnly: query.open === 'true',
      limit: query.limit,
      siteIds: siteIds === 'all' ? undefined : siteIds,
    });
    const visible = alerts.filter(
      (a) => siteIds === 'all' || (a.siteId !== null && siteIds.includes(a.siteId)),
    );
    return {
      alerts: visible.map((a) => ({
        id: a.id,
        kind: a.kind,
        siteKey: a.siteKey,
        actor: { userId: a.userId, tokenId: a.apiTokenId, label: a.actorLabel },
        count: a.count,
        threshold: a.threshold,
        windowStart: a.windowStart,
        createdAt: a.createdAt,
        acknowledgedAt: a.acknowledgedAt,
        acknowledgedBy: a.acknowledgedBy,
        note: a.note,
      })),
    };
  };

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/alerts/access',
    permission: 'alerts:read',
    site: 'filtered',
    querystring: listQuery,
    doc: {
      summary: "Access-anomaly alerts, newest first (of the caller's sites)",
      tags: ['alerts'],
      responses: {
        200: { description: 'Alerts', schema: accessAlertListResponseSchema },
        ...errorResponses(400, 401, 403),
      },
    },
    handler: async ({ query, request }) => alertList(query, requirePrincipal(request).sites),
  });

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites/:siteKey/access-alerts',
    permission: 'alerts:read',
    site: 'siteKey',
    params: siteKeyParams,
    querystring: listQuery,
    doc: {
      summary: "This site's access-anomaly alerts, newest first",
      tags: ['alerts'],
      responses: {
        200: { description: "The site's alerts", schema: accessAlertListResponseSchema },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ params, query }) => {
      const site = await store.sites.findByKey(params.siteKey);
      if (!site) throw new VeilError('not_found', 'no site has this key');
      return alertList(query, [site.id]);
    },
  });

  addRoute(app, {
    method: 'POST',
    url: '/api/v1/alerts/access/:id/acknowledge',
    permission: 'alerts:write',
    site: accessAlertObject,
    params: z.object({ id: z.uuid() }),
    body: z.object({ note: z.string().trim().max(1000).optional() }),
    doc: {
      summary: 'Acknowledge an alert, with an optional note (recorded in the audit log)',
      tags: ['alerts'],
      responses: { 204: { description: 'Acknowledged' }, ...errorResponses(400, 401, 403, 404, 409) },
    },
    handler: async ({ params, body, request, reply }) => {
      const principal = requirePrincipal(request);
      const alert = await store.accessAlerts.findById(params.id);
      const visible =
        alert &&
        (principal.sites === 'all' || (alert.siteId !== null && principal.sites.includes(alert.siteId)));
      if (!alert || !visible) throw new VeilError('not_found', 'no such alert');
      const actor = actorOf(principal);
      if (
        !(await store.accessAlerts.acknowledge(alert.id, actor.label ?? '', clock.now(), body.note ?? null))
      ) {
        throw new VeilError('conflict', 'this alert was acknowledged already');
      }
      await audit.record({
        action: 'alert.acknowledged',
        actor,
        siteKey: alert.siteKey,
        target: { type: 'alert', id: alert.id },
        details: { kind: alert.kind, note: body.note ?? null, who: alert.actorLabel, count: alert.count },
      });
      return reply.status(204).send();
    },
  });

  const limitSchema = z.object({
    rawReplaysPerHour: z.number().int().min(1).max(MAX_RAW_REPLAYS_PER_HOUR),
    windowMs: z.number(),
  });

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites/:siteKey/access-limits',
    permission: 'sites:read',
    site: 'siteKey',
    params: siteKeyParams,
    doc: {
      summary: 'Raw replays one person may open per hour on this site before an alert is raised',
      tags: ['alerts'],
      responses: { 200: { description: 'The limit', schema: limitSchema }, ...errorResponses(401, 403, 404) },
    },
    handler: async ({ params }) => {
      const site = await store.sites.findByKey(params.siteKey);
      const limit = site ? await store.accessLimits.rawReplaysPerHour(site.id) : undefined;
      if (!site || limit === undefined) throw new VeilError('not_found', 'no site has this key');
      return { rawReplaysPerHour: limit, windowMs: RAW_REPLAY_WINDOW_MS };
    },
  });

  addRoute(app, {
    method: 'PUT',
    url: '/api/v1/sites/:siteKey/access-limits',
    permission: 'policy:write',
    site: 'siteKey',
    params: siteKeyParams,
    body: z.object({ rawReplaysPerHour: z.number().int().min(1).max(MAX_RAW_REPLAYS_PER_HOUR) }),
    doc: {
      summary: 'Set the per-hour raw replay limit of this site (recorded in the audit log)',
      tags: ['alerts'],
      responses: {
        200: { description: 'The limit', schema: limitSchema },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ params, body, request }) => {
      const site = await store.sites.findByKey(params.siteKey);
      const before = site ? await store.accessLimits.rawReplaysPerHour(site.id) : undefined;
      if (!site || before === undefined) throw new VeilError('not_found', 'no site has this key');
      await store.accessLimits.setRawReplaysPerHour(site.id, body.rawReplaysPerHour);
      if (before !== body.rawReplaysPerHour) {
        await audit.record({
          action: 'site.updated',
          actor: actorOf(request.principal),
          siteKey: site.siteKey,
          target: { type: 'site', id: site.siteKey },
          details: { changes: [{ field: 'rawReplaysPerHour', before, after: body.rawReplaysPerHour }] },
        });
      }
      return { rawReplaysPerHour: body.rawReplaysPerHour, windowMs: RAW_REPLAY_WINDOW_MS };
    },
  });
}
