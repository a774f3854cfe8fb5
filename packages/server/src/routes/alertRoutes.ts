import {
  alertDeliveryListResponseSchema,
  alertKindSchema,
  alertListResponseSchema,
  alertNoteBodySchema,
  alertSinkListResponseSchema,
  alertViewSchema,
} from '@veil/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { inboxAlertObject } from '../access/objectScopes.js';
import {
  alertSinkBodySchema,
  alertSinkViewSchema,
  sinkFromBody,
  sinkView,
} from '../alerts/alertSinkInput.js';
import { actorOf } from '../audit/auditActor.js';
import { canSeeSite } from '../auth/principal.js';
import { VeilError } from '../errors/VeilError.js';
import { addRoute } from '../http/addRoute.js';
import { errorResponses } from '../http/errorResponses.js';
import type { AlertRecord } from '../storage/alerts/AlertRepository.js';
import type { SiteRecord } from '../storage/sites/SiteRepository.js';
import { requirePrincipal } from './authRoutes.js';
import { siteKeyParams } from './siteRoutes.js';

const alertSchema = alertViewSchema;
const noteBody = alertNoteBodySchema;
const sinkParams = siteKeyParams.extend({ id: z.uuid() });

/** The alert inbox (all alert kinds), each site's sinks and their delivery log (docs/alerts.md). */
export async function alertRoutes(app: FastifyInstance): Promise<void> {
  const { store, clock, audit, cipher } = app.veil;

  async function siteOf(siteKey: string): Promise<SiteRecord> {
    const site = await store.sites.findByKey(siteKey);
    if (!site) throw new VeilError('unknown_site', 'no site has this key');
    return site;
  }

  const siteKeys = new Map<string, string>();
  async function keyOf(siteId: string): Promise<string> {
    const known = siteKeys.get(siteId);
    if (known) return known;
    const site = await store.sites.findById(siteId);
    const key = site?.siteKey ?? '';
    if (site) siteKeys.set(siteId, key);
    return key;
  }
  const view = async (a: AlertRecord) => {
    const { siteId, fingerprint: _f, ...rest } = a;
    return { ...rest, siteKey: await keyOf(siteId) };
  };

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/alerts',
    permission: 'alerts:read',
    site: 'filtered',
    querystring: z.object({
      site: siteKeyParams.shape.siteKey.optional().describe('only this site'),
      status: z.enum(['open', 'acknowledged', 'resolved', 'unresolved']).optional(),
      kind: alertKindSchema.optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
    doc: {
      summary: 'The alert inbox: alerts of every kind on the sites the caller may see, most recent first',
      tags: ['alerts'],
      responses: {
        200: { description: 'Alerts', schema: alertListResponseSchema },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ query, request }) => {
      const principal = requirePrincipal(request);
      let siteIds: readonly string[] | 'all' = principal.sites;
      if (query.site) {
        const site = await store.sites.findByKey(query.site);
        if (!site || !canSeeSite(principal, site.id))
          throw new VeilError('unknown_site', 'no site has this key');
        siteIds = [site.id];
      }
      const alerts = await store.alerts.list({
        siteIds,
        status: query.status,
        kind: query.kind,
        limit: query.limit,
      });
      return { alerts: await Promise.all(alerts.map(view)) };
    },
  });

  for (const act of ['acknowledge', 'resolve'] as const) {
    addRoute(app, {
      method: 'POST',
      url: `/api/v1/alerts/:id/${act}`,
      permission: 'alerts:write',
      site: inboxAlertObject,
      params: z.object({ id: z.uuid() }),
      body: noteBody,
      doc: {
        summary:
          act === 'acknowledge'
            ? 'Acknowledge an open alert, with an optional note (audited)'
            : 'Resolve an alert, with an optional note (audited); the next one of its subject is a new alert',
        tags: ['alerts'],
        responses: {
          200: { description: 'The alert', schema: alertSchema },
          ...errorResponses(400, 401, 403, 404, 409),
        },
      },
      handler: async ({ params, body, request }) => {
        const principal = requirePrincipal(request);
        const alert = await store.alerts.findById(params.id);
        if (!alert || !canSeeSite(principal, alert.siteId)) throw new VeilError('not_found', 'no such alert');
        const actor = actorOf(principal);
        const by = actor.label ?? '';
        const note = body.note && body.note.length > 0 ? body.note : null;
        const done =
          act === 'acknowledge'
            ? await store.alerts.acknowledge(alert.id, by, clock.now(), note)
            : await store.alerts.resolve(alert.id, by, clock.now(), note);
        if (!done) {
          throw new VeilError(
            'conflict',
            act === 'acknowledge' ? 'the alert is not open' : 'the alert is resolved already',
          );
        }
        await audit.record({
          action: act === 'acknowledge' ? 'alert.acknowledged' : 'alert.resolved',
          actor,
          siteKey: await keyOf(alert.siteId),
          target: { type: 'alert', id: alert.id },
          details: { alertId: alert.id, kind: alert.kind, note },
        });
        const after = await store.alerts.findById(alert.id);
        if (!after) throw new VeilError('not_found', 'no such alert');
        return view(after);
      },
    });
  }

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites/:siteKey/alert-sinks',
    permission: 'alerts:read',
    site: 'siteKey',
    params: siteKeyParams,
    doc: {
      summary: "The site's alert sinks (webhook, e-mail), without their secrets",
      tags: ['alerts'],
      responses: {
        200: { description: 'Sinks', schema: alertSinkListResponseSchema },
        ...errorResponses(401, 403, 404),
      },
    },
    handler: async ({ params }) => {
      const site = await siteOf(params.siteKey);
      return { sinks: (await store.alertSinks.list(site.id)).map(sinkView) };
    },
  });

  addRoute(app, {
    method: 'POST',
    url: '/api/v1/sites/:siteKey/alert-sinks',
    permission: 'alerts:write',
    site: 'siteKey',
    params: siteKeyParams,
    body: alertSinkBodySchema,
    doc: {
      summary: 'Add an alert sink (audited); its secrets are stored sealed and never returned',
      tags: ['alerts'],
      responses: {
        201: { description: 'The sink', schema: alertSinkViewSchema },
        ...errorResponses(400, 401, 403, 404, 409),
      },
    },
    handler: async ({ params, body, request, reply }) => {
      const site = await siteOf(params.siteKey);
      const created = await store.alertSinks.create(sinkFromBody(cipher, site.id, body, clock.now()));
      if (created === 'conflict')
        throw new VeilError('conflict', `the site has a sink named ${body.name} already`);
      await audit.record({
        action: 'alert.sink_changed',
        actor: actorOf(request.principal),
        siteKey: site.siteKey,
        target: { type: 'alert_sink', id: created.id },
        details: { change: 'created', name: created.name, type: created.type, enabled: created.enabled },
      });
      return reply.status(201).send(sinkView(created));
    },
  });

  addRoute(app, {
    method: 'PUT',
    url: '/api/v1/sites/:siteKey/alert-sinks/:id',
    permission: 'alerts:write',
    site: 'siteKey',
    params: sinkParams,
    body: alertSinkBodySchema,
    doc: {
      summary: 'Replace an alert sink (audited); secrets left out keep their stored value',
      tags: ['alerts'],
      responses: {
        200: { description: 'The sink', schema: alertSinkViewSchema },
        ...errorResponses(400, 401, 403, 404, 409),
      },
    },
    handler: async ({ params, body, request }) => {
      const site = await siteOf(params.siteKey);
      const previous = await store.alertSinks.findById(params.id);
      if (!previous || previous.siteId !== site.id) throw new VeilError('not_found', 'no such sink');
      const updated = await store.alertSinks.update(
        sinkFromBody(cipher, site.id, body, clock.now(), previous),
      );
      if (updated === 'conflict')
        throw new VeilError('conflict', `the site has a sink named ${body.name} already`);
      if (!updated) throw new VeilError('not_found', 'no such sink');
      await audit.record({
        action: 'alert.sink_changed',
        actor: actorOf(request.principal),
        siteKey: site.siteKey,
        target: { type: 'alert_sink', id: updated.id },
        details: {
          change: 'updated',
          name: updated.name,
          type: updated.type,
          enabled: updated.enabled,
          secretsReplaced:
            body.type === 'webhook'
              ? body.url !== undefined || body.signingSecret !== undefined
              : body.password !== undefined,
        },
      });
      return sinkView(updated);
    },
  });

  addRoute(app, {
    method: 'DELETE',
    url: '/api/v1/sites/:siteKey/alert-sinks/:id',
    permission: 'alerts:write',
    site: 'siteKey',
    params: sinkParams,
    doc: {
      summary: 'Remove an alert sink and its delivery log (audited)',
      tags: ['alerts'],
      responses: { 204: { description: 'Removed' }, ...errorResponses(401, 403, 404) },
    },
    handler: async ({ params, request, reply }) => {
      const site = await siteOf(params.siteKey);
      const sink = await store.alertSinks.findById(params.id);
      if (!sink || sink.siteId !== site.id || !(await store.alertSinks.delete(sink.id))) {
        throw new VeilError('not_found', 'no such sink');
      }
      await audit.record({
        action: 'alert.sink_changed',
        actor: actorOf(request.principal),
        siteKey: site.siteKey,
        target: { type: 'alert_sink', id: sink.id },
        details: { change: 'deleted', name: sink.name, type: sink.type },
      });
      return reply.status(204).send();
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites/:siteKey/alert-deliveries',
    permission: 'alerts:read',
    site: 'siteKey',
    params: siteKeyParams,
    querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
    doc: {
      summary: 'The delivery log: every notification to a sink, its attempts and last answer, newest first',
      tags: ['alerts'],
      responses: {
        200: { description: 'Deliveries', schema: alertDeliveryListResponseSchema },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ params, query }) => {
      const site = await siteOf(params.siteKey);
      const names = new Map((await store.alertSinks.list(site.id)).map((s) => [s.id, s.name]));
      const deliveries = await store.alertDeliveries.list(site.id, query.limit);
      return {
        deliveries: deliveries.map(({ siteId: _s, ...d }) => ({
          ...d,
          sinkName: names.get(d.sinkId) ?? null,
        })),
      };
    },
  });
}
