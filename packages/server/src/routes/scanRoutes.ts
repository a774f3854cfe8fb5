import { randomUUID } from 'node:crypto';
import {
  scanRunListSchema,
  scanRunResponseSchema,
  scanScheduleInputSchema,
  scanScheduleResponseSchema,
  validateSelectors,
} from '@veil/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../audit/auditActor.js';
import { VeilError } from '../errors/VeilError.js';
import { addRoute } from '../http/addRoute.js';
import { errorResponses } from '../http/errorResponses.js';
import { scanStartUrls } from '../scans/scanStartUrls.js';
import { runView, scheduleView } from '../scans/scanViews.js';
import type { SiteRecord } from '../storage/sites/SiteRepository.js';
import { siteKeyParams } from './siteRoutes.js';

/** Most runs one list returns. */
const MAX_LISTED_RUNS = 50;

function who(request: FastifyRequest): string {
  const p = request.principal;
  if (!p) return 'anonymous';
  return p.kind === 'user' ? p.email : `token ${p.name}`;
}

/** Scheduled pre-consent scans of a site's origins: the schedule (opt-in), its runs, "run now". */
export async function scanRoutes(app: FastifyInstance): Promise<void> {
  const { store, clock, audit, jobs } = app.veil;
  const siteOf = async (siteKey: string): Promise<SiteRecord> => {
    const site = await store.sites.findByKey(siteKey);
    if (!site) throw new VeilError('not_found', 'no site has this key');
    return site;
  };

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites/:siteKey/scan-schedule',
    permission: 'policy:read',
    site: 'siteKey',
    params: siteKeyParams,
    doc: {
      summary: "The site's scheduled pre-consent scan (disabled with the defaults until someone sets it)",
      tags: ['scans'],
      responses: {
        200: { description: 'Schedule', schema: scanScheduleResponseSchema },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ params }) => {
      const site = await siteOf(params.siteKey);
      const [schedule, latest] = await Promise.all([
        store.siteScans.getSchedule(site.id),
        store.siteScans.latestRun(site.id),
      ]);
      return { schedule: scheduleView(site, schedule, latest, clock.now()) };
    },
  });

  addRoute(app, {
    method: 'PUT',
    url: '/api/v1/sites/:siteKey/scan-schedule',
    permission: 'policy:write',
    site: 'siteKey',
    params: siteKeyParams,
    body: scanScheduleInputSchema,
    doc: {
      summary:
        "Set the site's scheduled pre-consent scan: on or off, interval, start paths, crawl, consent buttons (audited)",
      description:
        'Missing fields take their defaults. The scan visits every path on every origin of the site in a fresh headless Chromium, before consent, after the reject button and after the accept button (when their selectors are set).',
      tags: ['scans'],
      responses: {
        200: { description: 'Saved', schema: scanScheduleResponseSchema },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ params, body, request }) => {
      const site = await siteOf(params.siteKey);
      for (const field of ['acceptSelector', 'rejectSelector'] as const) {
        const selector = body[field];
        const [problem] = selector === null ? [] : validateSelectors([selector]);
        if (problem) {
          throw new VeilError(
            'invalid_selector',
            `${field}: ${JSON.stringify(problem.selector)} is not a valid CSS selector (${problem.problem})`,
          );
        }
      }
      const now = clock.now();
      await store.siteScans.putSchedule({
        siteId: site.id,
        ...body,
        updatedAt: now,
        updatedBy: who(request),
      });
      await audit.record({
        action: 'scan.schedule_changed',
        actor: actorOf(request.principal),
        siteKey: site.siteKey,
        target: { type: 'scan_schedule', id: site.siteKey },
        details: { ...body },
      });
      const [schedule, latest] = await Promise.all([
        store.siteScans.getSchedule(site.id),
        store.siteScans.latestRun(site.id),
      ]);
      return { schedule: scheduleView(site, schedule, latest, now) };
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites/:siteKey/scans',
    permission: 'policy:read',
    site: 'siteKey',
    params: siteKeyParams,
    querystring: z.object({ limit: z.coerce.number().int().min(1).max(MAX_LISTED_RUNS).default(20) }),
    doc: {
      summary: "The site's scan runs, newest first, each with its findings summary (never page content)",
      tags: ['scans'],
      responses: {
        200: { description: 'Runs', schema: scanRunListSchema },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ params, query }) => {
      const site = await siteOf(params.siteKey);
      const runs = await store.siteScans.listRuns(site.id, query.limit);
      return { runs: runs.map((r) => runView(site, r)) };
    },
  });

  addRoute(app, {
    method: 'POST',
    url: '/api/v1/sites/:siteKey/scans',
    permission: 'policy:write',
    site: 'siteKey',
    params: siteKeyParams,
    doc: {
      summary:
        'Scan the site now with its schedule\u2019s settings (enabled or not); answers at once with the queued run',
      description:
        'Poll GET /api/v1/sites/{siteKey}/scans for the result. 409 while a scan of the site is queued or running.',
      tags: ['scans'],
      responses: {
        202: { description: 'Queued', schema: scanRunResponseSchema },
        ...errorResponses(400, 401, 403, 404, 409),
      },
    },
    handler: async ({ params, request, reply }) => {
      const site = await siteOf(params.siteKey);
      if (site.origins.length === 0) throw new VeilError('conflict', 'the site has no origin to scan');
      const schedule = await store.siteScans.getSchedule(site.id);
      const outcome = await store.siteScans.enqueueRun({
        id: `scan_${randomUUID()}`,
        siteId: site.id,
        trigger: 'manual',
        requestedBy: who(request),
        queuedAt: clock.now(),
        urls: scanStartUrls(site.origins, schedule?.paths ?? ['/']),
      });
      if (outcome === 'busy')
        throw new VeilError('conflict', 'a scan of this site is queued or running already');
      jobs.siteScans.kick();
      return reply.status(202).send({ run: runView(site, outcome) });
    },
  });
}
