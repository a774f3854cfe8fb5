import {
  incidentDecisionInputSchema,
  incidentDetailSchema,
  incidentEnvelopeSchema,
  incidentListResponseSchema,
  newIncidentSchema,
} from '@veil/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../audit/auditActor.js';
import { VeilError } from '../errors/VeilError.js';
import { addRoute } from '../http/addRoute.js';
import { errorResponses } from '../http/errorResponses.js';
import {
  createIncident,
  decideIncident,
  incidentDetail,
  incidentOf,
  incidentView,
} from '../incidents/incidents.js';
import type { SiteRecord } from '../storage/sites/SiteRepository.js';
import { siteKeyParams } from './siteRoutes.js';

const incidentParams = siteKeyParams.extend({
  incidentId: z.string().regex(/^inc_[A-Za-z0-9-]{8,64}$/, 'is not an incident id'),
});

function who(request: FastifyRequest): string {
  const p = request.principal;
  if (!p) return 'anonymous';
  return p.kind === 'user' ? p.email : `token ${p.name}`;
}

/** Exposure incidents: record, list, show (with the content scans as evidence), decide. */
export async function incidentRoutes(app: FastifyInstance): Promise<void> {
  const { store, clock, audit } = app.veil;
  const deps = { store, clock, audit };
  const siteOf = async (siteKey: string): Promise<SiteRecord> => {
    const site = await store.sites.findByKey(siteKey);
    if (!site) throw new VeilError('not_found', 'no site has this key');
    return site;
  };

  addRoute(app, {
    method: 'POST',
    url: '/api/v1/sites/:siteKey/incidents',
    permission: 'erasure:write',
    site: 'siteKey',
    params: siteKeyParams,
    body: newIncidentSchema,
    doc: {
      summary:
        'Record an exposure incident: what leaked (kind, page, element, window), how it was found, when discovered',
      description:
        'The GDPR 72-hour notification clock runs from discoveredAt (default: now). Link content scans with incidentId to find and erase the sessions.',
      tags: ['incidents'],
      responses: {
        201: { description: 'Recorded', schema: incidentEnvelopeSchema },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ params, body, request, reply }) => {
      const site = await siteOf(params.siteKey);
      const incident = await createIncident(deps, {
        site,
        body,
        createdBy: who(request),
        actor: actorOf(request.principal),
      });
      return reply.status(201).send({ incident: await incidentView(store, incident, clock.now()) });
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites/:siteKey/incidents',
    permission: 'audit:read',
    site: 'siteKey',
    params: siteKeyParams,
    doc: {
      summary: "The site's exposure incidents, most recently discovered first, each with its 72-hour clock",
      tags: ['incidents'],
      responses: {
        200: { description: 'Incidents', schema: incidentListResponseSchema },
        ...errorResponses(401, 403, 404),
      },
    },
    handler: async ({ params }) => {
      const site = await siteOf(params.siteKey);
      const now = clock.now();
      const incidents = [];
      for (const i of await store.incidents.list(site.id, 200))
        incidents.push(await incidentView(store, i, now));
      return { incidents };
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites/:siteKey/incidents/:incidentId',
    permission: 'audit:read',
    site: 'siteKey',
    params: incidentParams,
    doc: {
      summary: 'One incident with its content scans (matching sessions, erasure receipts) and its clock',
      tags: ['incidents'],
      responses: {
        200: { description: 'Incident', schema: incidentDetailSchema },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ params }) => {
      const site = await siteOf(params.siteKey);
      return incidentDetail(store, await incidentOf(store, site, params.incidentId), clock.now());
    },
  });

  addRoute(app, {
    method: 'POST',
    url: '/api/v1/sites/:siteKey/incidents/:incidentId/decision',
    permission: 'erasure:write',
    site: 'siteKey',
    params: incidentParams,
    body: incidentDecisionInputSchema,
    doc: {
      summary: 'Record the notification decision (notify the authority or not, and why); once',
      tags: ['incidents'],
      responses: {
        200: { description: 'Decided', schema: incidentEnvelopeSchema },
        ...errorResponses(400, 401, 403, 404, 409),
      },
    },
    handler: async ({ params, body, request }) => {
      const site = await siteOf(params.siteKey);
      const incident = await decideIncident(deps, {
        site,
        id: params.incidentId,
        body,
        decidedBy: who(request),
        actor: actorOf(request.principal),
      });
      return { incident: await incidentView(store, incident, clock.now()) };
    },
  });
}
