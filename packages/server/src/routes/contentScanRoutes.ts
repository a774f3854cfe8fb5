import {
  contentErasureResponseSchema,
  contentScanEnvelopeSchema,
  contentScanListResponseSchema,
  newContentScanSchema,
} from '@veil/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../audit/auditActor.js';
import { eraseContentMatches, STALE_SCAN_MS, startContentScan } from '../erasure/contentScan.js';
import { contentScanView } from '../erasure/contentScanView.js';
import { VeilError } from '../errors/VeilError.js';
import { addRoute } from '../http/addRoute.js';
import { errorResponses } from '../http/errorResponses.js';
import { incidentOf } from '../incidents/incidents.js';
import type { ContentScanRecord } from '../storage/contentScans/ContentScanRepository.js';
import type { SiteRecord } from '../storage/sites/SiteRepository.js';
import { siteKeyParams } from './siteRoutes.js';

const scanParams = siteKeyParams.extend({
  scanId: z.string().regex(/^scan_[A-Za-z0-9-]{8,64}$/, 'is not a content scan id'),
});

function who(request: FastifyRequest): string {
  const p = request.principal;
  if (!p) return 'anonymous';
  return p.kind === 'user' ? p.email : `token ${p.name}`;
}

/**
 * Erasure by content: start a scan for a leaked value or pattern (a background job of this
 * process), poll its progress and matches, erase what it found. The value is in the request body
 * only; the server keeps its keyed hash.
 */
export async function contentScanRoutes(app: FastifyInstance): Promise<void> {
  const { store, clock, cipher, hasher, audit } = app.veil;
  const stopping = new AbortController();
  const running = new Set<Promise<unknown>>();
  app.addHook('onClose', async () => {
    stopping.abort();
    await Promise.all(running);
  });
  const deps = {
    store,
    clock,
    cipher,
    hasher,
    audit,
    signal: stopping.signal,
    onError: (error: unknown, scanId: string) => app.log.error({ err: error, scanId }, 'content scan failed'),
  };
  const siteOf = async (siteKey: string): Promise<SiteRecord> => {
    const site = await store.sites.findByKey(siteKey);
    if (!site) throw new VeilError('not_found', 'no site has this key');
    return site;
  };
  const scanOf = async (site: SiteRecord, scanId: string): Promise<ContentScanRecord> => {
    await store.contentScans.failStale(clock.now() - STALE_SCAN_MS, clock.now());
    const scan = await store.contentScans.get(scanId);
    if (!scan || scan.siteId !== site.id) throw new VeilError('not_found', 'no content scan has this id');
    return scan;
  };

  addRoute(app, {
    method: 'POST',
    url: '/api/v1/sites/:siteKey/content-scans',
    permission: 'erasure:write',
    site: 'siteKey',
    params: siteKeyParams,
    body: newContentScanSchema,
    doc: {
      summary: "Scan the site's decrypted recordings for a leaked value or pattern (background job)",
      description:
        'Exactly one of value (literal) and pattern (regular expression, no nested quantifiers or back-references); from/to bound the server receive time. Answers 202 with the running scan; poll GET …/content-scans/{scanId}. The value is never stored or logged: the scan keeps its keyed hash (valueHash).',
      tags: ['erasure'],
      responses: {
        202: { description: 'Started', schema: contentScanEnvelopeSchema },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ params, body, request, reply }) => {
      const site = await siteOf(params.siteKey);
      if (body.incidentId !== undefined) await incidentOf(store, site, body.incidentId);
      const query =
        body.value !== undefined
          ? { kind: 'value' as const, value: body.value, caseSensitive: body.caseSensitive }
          : { kind: 'pattern' as const, pattern: body.pattern ?? '', caseSensitive: body.caseSensitive };
      const started = await startContentScan(deps, {
        site,
        query,
        receivedFrom: body.from,
        receivedTo: body.to,
        incidentId: body.incidentId,
        createdBy: who(request),
        actor: actorOf(request.principal),
      });
      running.add(started.done);
      void started.done.finally(() => running.delete(started.done));
      return reply.status(202).send({ scan: contentScanView(started.scan) });
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites/:siteKey/content-scans',
    permission: 'audit:read',
    site: 'siteKey',
    params: siteKeyParams,
    doc: {
      summary: "The site's content scans, newest first (progress, matches, erasure receipts)",
      tags: ['erasure'],
      responses: {
        200: { description: 'Scans', schema: contentScanListResponseSchema },
        ...errorResponses(401, 403, 404),
      },
    },
    handler: async ({ params }) => {
      const site = await siteOf(params.siteKey);
      await store.contentScans.failStale(clock.now() - STALE_SCAN_MS, clock.now());
      return { scans: (await store.contentScans.list(site.id, 100)).map(contentScanView) };
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites/:siteKey/content-scans/:scanId',
    permission: 'audit:read',
    site: 'siteKey',
    params: scanParams,
    doc: {
      summary:
        'One content scan: status, progress (sessionsScanned of sessionsTotal), matching sessions with counts and positions (event index, JSON path), never the content',
      tags: ['erasure'],
      responses: {
        200: { description: 'Scan', schema: contentScanEnvelopeSchema },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ params }) => {
      const site = await siteOf(params.siteKey);
      return { scan: contentScanView(await scanOf(site, params.scanId)) };
    },
  });

  addRoute(app, {
    method: 'POST',
    url: '/api/v1/sites/:siteKey/content-scans/:scanId/erase',
    permission: 'erasure:write',
    site: 'siteKey',
    params: scanParams,
    doc: {
      summary:
        'Erase every session the completed scan found (data keys destroyed first; legally held sessions kept and listed); the receipt goes on the scan and into the audit log',
      tags: ['erasure'],
      responses: {
        200: {
          description: 'Erased',
          schema: contentErasureResponseSchema,
        },
        ...errorResponses(400, 401, 403, 404, 409),
      },
    },
    handler: async ({ params, request }) => {
      const site = await siteOf(params.siteKey);
      await scanOf(site, params.scanId);
      const { scan, receipt } = await eraseContentMatches(
        { store, clock, audit },
        { scanId: params.scanId, site, erasedBy: who(request), actor: actorOf(request.principal) },
      );
      return { scan: contentScanView(scan), receipt };
    },
  });
}
