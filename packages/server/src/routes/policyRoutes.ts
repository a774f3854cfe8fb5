import {
  currentPolicyResponseSchema,
  formatPolicyDiff,
  maskingFailureListResponseSchema,
  policyPreviewResponseSchema,
  policyVersionEnvelopeSchema,
  policyVersionListResponseSchema,
  privacyAlertListResponseSchema,
  privacyDropListResponseSchema,
} from '@veil/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../audit/auditActor.js';
import type { Principal } from '../auth/principal.js';
import { VeilError } from '../errors/VeilError.js';
import { addRoute } from '../http/addRoute.js';
import { errorResponses } from '../http/errorResponses.js';
import { compareToPreset, PolicyService, policyReasonSchema } from '../privacy/PolicyService.js';
import { retentionImpact } from '../retention/retentionImpact.js';
import { utcDay } from '../storage/privacy/createPrivacyRepository.js';
import type { PolicyAuthor, PolicyVersionRecord } from '../storage/privacy/PrivacyRepository.js';
import type { SiteRecord } from '../storage/sites/SiteRepository.js';
import { siteKeyParams } from './siteRoutes.js';

const limitQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });

function versionView(v: PolicyVersionRecord) {
  return {
    version: v.version,
    author: v.author,
    reason: v.reason,
    createdAt: v.createdAt,
    changes: v.diff,
    diffText: formatPolicyDiff(v.diff),
  };
}

function authorOf(principal: Principal | undefined): PolicyAuthor {
  const actor = actorOf(principal);
  if (actor.type === 'user' || actor.type === 'token')
    return { type: actor.type, id: actor.id, label: actor.label ?? '' };
  throw new VeilError('unauthenticated', 'log in first');
}

/**
 * Privacy policies (versioned), masking failures, privacy alerts and drop counters of a site.
 * Reading needs `policy:read` (alerts `alerts:read`); publishing a version `policy:write`.
 */
export async function policyRoutes(app: FastifyInstance): Promise<void> {
  const { store, clock, audit } = app.veil;
  const policies = new PolicyService({ store, clock, audit });

  async function siteOf(siteKey: string): Promise<SiteRecord> {
    const site = await store.sites.findByKey(siteKey);
    if (!site) throw new VeilError('unknown_site', 'no site has this key');
    return site;
  }

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites/:siteKey/policy',
    permission: 'policy:read',
    site: 'siteKey',
    params: siteKeyParams,
    doc: {
      summary: "The site's current (effective) privacy policy, its version and its difference to its preset",
      tags: ['policy'],
      responses: {
        200: {
          description: 'The current version',
          schema: currentPolicyResponseSchema,
        },
        ...errorResponses(401, 403, 404),
      },
    },
    handler: async ({ params }) => {
      const current = await policies.read(await siteOf(params.siteKey));
      return {
        policy: current.policy,
        version: versionView(current),
        preset: compareToPreset(current.policy),
      };
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites/:siteKey/policy/versions',
    permission: 'policy:read',
    site: 'siteKey',
    params: siteKeyParams,
    querystring: limitQuery,
    doc: {
      summary: 'The history of the policy: every version, newest first, with author, time, reason and diff',
      tags: ['policy'],
      responses: {
        200: { description: 'Versions', schema: policyVersionListResponseSchema },
        ...errorResponses(401, 403, 404),
      },
    },
    handler: async ({ params, query }) => ({
      versions: (await policies.history(await siteOf(params.siteKey), query.limit)).map(versionView),
    }),
  });

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites/:siteKey/policy/versions/:version',
    permission: 'policy:read',
    site: 'siteKey',
    params: siteKeyParams.extend({ version: z.coerce.number().int().min(1) }),
    doc: {
      summary: 'One version of the policy, with the policy as it was',
      tags: ['policy'],
      responses: {
        200: {
          description: 'The version',
          schema: policyVersionEnvelopeSchema,
        },
        ...errorResponses(401, 403, 404),
      },
    },
    handler: async ({ params }) => {
      const found = await policies.version(await siteOf(params.siteKey), params.version);
      if (!found) throw new VeilError('not_found', 'no such version');
      return { version: versionView(found), policy: found.policy };
    },
  });

  addRoute(app, {
    method: 'POST',
    url: '/api/v1/sites/:siteKey/policy/preview',
    permission: 'policy:read',
    site: 'siteKey',
    params: siteKeyParams,
    body: z.object({ policy: z.unknown() }),
    doc: {
      summary: 'Validate a proposed policy and show what it would change (nothing is saved)',
      description:
        '`retention`: how many sessions the next purge run would remove under the proposed retention, against the current one (a shorter retention takes effect at the next run, within an hour).',
      tags: ['policy'],
      responses: {
        200: {
          description: 'The proposed policy as it would be stored, and its diff to the current version',
          schema: policyPreviewResponseSchema,
        },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ params, body }) => {
      const site = await siteOf(params.siteKey);
      const p = await policies.preview(site, body.policy);
      return {
        policy: p.policy,
        baseVersion: p.baseVersion,
        changes: p.changes,
        diffText: p.text,
        preset: p.preset,
        retention: await retentionImpact(app.veil.store, app.veil.clock, site, p.policy.retentionDays),
      };
    },
  });

  addRoute(app, {
    method: 'PUT',
    url: '/api/v1/sites/:siteKey/policy',
    permission: 'policy:write',
    site: 'siteKey',
    params: siteKeyParams,
    body: z.object({
      policy: z.unknown(),
      reason: policyReasonSchema,
      baseVersion: z.number().int().min(1).optional(),
    }),
    doc: {
      summary: 'Publish a new version of the policy (a required reason; audited)',
      description:
        'The policy is validated, diffed against the current version and stored as the next version with its author, time and reason; it takes effect for new page loads (the site configuration) and every later batch at once. `baseVersion` guards against overwriting a change made meanwhile (409).',
      tags: ['policy'],
      responses: {
        200: {
          description: 'The new version',
          schema: policyVersionEnvelopeSchema,
        },
        ...errorResponses(400, 401, 403, 404, 409),
      },
    },
    handler: async ({ params, body, request }) => {
      const site = await siteOf(params.siteKey);
      const published = await policies.update(
        site,
        body.policy,
        body.reason,
        authorOf(request.principal),
        body.baseVersion,
      );
      return { policy: published.policy, version: versionView(published) };
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites/:siteKey/masking-failures',
    permission: 'policy:read',
    site: 'siteKey',
    params: siteKeyParams,
    querystring: limitQuery,
    doc: {
      summary:
        'Masking failures: what the server had to redact that the browser should have masked, per page and element',
      tags: ['policy'],
      responses: {
        200: {
          description: 'Most recent first; never a value',
          schema: maskingFailureListResponseSchema,
        },
        ...errorResponses(401, 403, 404),
      },
    },
    handler: async ({ params, query }) => ({
      failures: await store.privacy.listMaskingFailures((await siteOf(params.siteKey)).id, query.limit),
    }),
  });

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites/:siteKey/privacy-alerts',
    permission: 'alerts:read',
    site: 'siteKey',
    params: siteKeyParams,
    querystring: limitQuery.extend({ open: z.enum(['true', 'false']).optional() }),
    doc: {
      summary:
        'Critical privacy alerts: canary values that arrived unmasked (labels and counts, never values)',
      tags: ['policy'],
      responses: {
        200: { description: 'Newest first', schema: privacyAlertListResponseSchema },
        ...errorResponses(401, 403, 404),
      },
    },
    handler: async ({ params, query }) => {
      const site = await siteOf(params.siteKey);
      const alerts = await store.privacy.listAlerts(site.id, {
        unacknowledgedOnly: query.open === 'true',
        limit: query.limit,
      });
      return { alerts: alerts.map(({ siteId: _siteId, ...rest }) => rest) };
    },
  });

  addRoute(app, {
    method: 'POST',
    url: '/api/v1/sites/:siteKey/privacy-alerts/:id/acknowledge',
    permission: 'alerts:write',
    site: 'siteKey',
    params: siteKeyParams.extend({ id: z.string().uuid() }),
    body: z.object({ note: z.string().trim().max(500).optional() }),
    doc: {
      summary: 'Acknowledge a privacy alert (audited)',
      tags: ['policy'],
      responses: { 204: { description: 'Acknowledged' }, ...errorResponses(401, 403, 404) },
    },
    handler: async ({ params, body, request, reply }) => {
      const site = await siteOf(params.siteKey);
      const alert = await store.privacy.findAlert(params.id);
      if (!alert || alert.siteId !== site.id) throw new VeilError('not_found', 'no such alert');
      const by = authorOf(request.principal);
      if (!(await store.privacy.acknowledgeAlert(alert.id, by.label, clock.now()))) {
        throw new VeilError('conflict', 'the alert is acknowledged already');
      }
      await audit.record({
        action: 'alert.acknowledged',
        actor: actorOf(request.principal),
        siteKey: site.siteKey,
        target: { type: 'privacy_alert', id: alert.id },
        details: { alertId: alert.id, kind: 'privacy.canary', label: alert.label, note: body.note ?? null },
      });
      return reply.status(204).send();
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites/:siteKey/privacy-drops',
    permission: 'policy:read',
    site: 'siteKey',
    params: siteKeyParams,
    querystring: z.object({ days: z.coerce.number().int().min(1).max(366).default(30) }),
    doc: {
      summary: 'What the privacy steps dropped, per day and reason (batches, events, sessions)',
      tags: ['policy'],
      responses: {
        200: {
          description: 'Newest day first',
          schema: privacyDropListResponseSchema,
        },
        ...errorResponses(401, 403, 404),
      },
    },
    handler: async ({ params, query }) => {
      const site = await siteOf(params.siteKey);
      const since = utcDay(clock.now() - (query.days - 1) * 24 * 60 * 60 * 1000);
      return { drops: await store.privacy.dropCounts(site.id, since) };
    },
  });
}
