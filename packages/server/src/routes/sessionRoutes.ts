import {
  deviceClassSchema,
  MAX_FUNNEL_STEPS,
  SIGNAL_KINDS,
  type SignalKind,
  sessionDetailResponseSchema,
  sessionEventsResponseSchema,
  sessionListResponseSchema,
} from '@veil/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { sessionObject } from '../access/objectScopes.js';
import { canSeeSite } from '../auth/principal.js';
import { VeilError } from '../errors/VeilError.js';
import { addRoute } from '../http/addRoute.js';
import { errorResponses } from '../http/errorResponses.js';
import { concatJsonArrays, readEventArrays, readPageViews } from '../recordings/readRecording.js';
import { decodeCursor, encodeCursor } from '../recordings/sessionCursor.js';
import { sessionSummary } from '../recordings/sessionView.js';
import { clickParams, funnelStepsOf, pagePatternParam } from './funnelRoutes.js';
import { liveGrantOf } from './replayGrantRoutes.js';
import { siteKeyParams } from './siteRoutes.js';

export const DEFAULT_SESSION_PAGE_SIZE = 50;
export const MAX_SESSION_PAGE_SIZE = 200;

const ms = z.coerce.number().int().nonnegative();

const listQuery = z.object({
  from: ms.optional().describe('sessions started at or after (ms)'),
  to: ms.optional().describe('sessions started at or before (ms)'),
  receivedFrom: ms
    .optional()
    .describe(
      'sessions whose first batch Veil received at or after (ms, server clock: the range funnels count)',
    ),
  receivedTo: ms.optional().describe('… at or before (ms, server clock)'),
  device: deviceClassSchema.optional(),
  minDurationMs: ms.optional(),
  page: z
    .string()
    .trim()
    .min(1)
    .max(500)
    .optional()
    .describe('substring of a visited URL (case-insensitive)'),
  signals: z
    .string()
    .max(300)
    .optional()
    .transform((v, ctx) => {
      const kinds = v === undefined || v === '' ? [] : v.split(',');
      const unknown = kinds.filter((k) => !(SIGNAL_KINDS as readonly string[]).includes(k));
      if (unknown.length > 0) {
        ctx.addIssue({ code: 'custom', message: `unknown signal: ${unknown.join(', ')}` });
        return z.NEVER;
      }
      return kinds as SignalKind[];
    })
    .describe(`comma-separated signals each session must have (${SIGNAL_KINDS.join(', ')})`),
  tagKey: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe('only sessions tagged with this key (and `tagValue`), as a funnel segment'),
  tagValue: z.string().min(1).max(500).optional(),
  sort: z
    .enum(['newest', ...SIGNAL_KINDS])
    .default('newest')
    .describe('newest first, or most of one signal first'),
  step: z
    .preprocess(
      (v) => (v === undefined ? undefined : Array.isArray(v) ? v : [v]),
      z.array(pagePatternParam).min(2).max(MAX_FUNNEL_STEPS).optional(),
    )
    .describe("a funnel's steps, as `GET /funnel` takes them (with `click.N`); needs `reached`"),
  ...clickParams,
  reached: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_FUNNEL_STEPS)
    .optional()
    .describe(
      "only sessions that did the funnel's steps 1..reached in order (the sessions a funnel step counts)",
    ),
  limit: z.coerce.number().int().min(1).max(MAX_SESSION_PAGE_SIZE).default(DEFAULT_SESSION_PAGE_SIZE),
  cursor: z.string().max(300).optional().describe('nextCursor of the previous page'),
});

const sessionParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'is not a session id') });

const eventsQuery = z.object({
  grant: z
    .uuid()
    .optional()
    .describe('a live grant of the caller for this session (`POST /sessions/{id}/replay-grants`)'),
});

/** Session list (filters, cursor pagination, newest first), session detail, raw replay events. */
export async function sessionRoutes(app: FastifyInstance): Promise<void> {
  const { store, cipher } = app.veil;

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites/:siteKey/sessions',
    permission: 'sessions:read',
    site: 'siteKey',
    params: siteKeyParams,
    querystring: listQuery,
    doc: {
      summary: "A site's sessions, newest first",
      tags: ['sessions'],
      responses: {
        200: {
          description: 'One page of sessions',
          schema: sessionListResponseSchema,
        },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ params, query }) => {
      const site = await store.sites.findByKey(params.siteKey);
      if (!site) throw new VeilError('not_found', 'no site has this key');
      const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
      const sort = query.sort === 'newest' ? undefined : query.sort;
      if ((query.step === undefined) !== (query.reached === undefined))
        throw new VeilError('validation_failed', 'query.reached: step and reached go together');
      if (query.step !== undefined && query.reached !== undefined && query.reached > query.step.length)
        throw new VeilError('validation_failed', 'query.reached: there is no such step');
      // A click on a step that does not exist (or without steps) is refused, as by the funnel.
      const steps = funnelStepsOf(query.step ?? [], query);
      const funnel = query.reached === undefined ? undefined : { steps, reached: query.reached };
      if ((query.tagKey === undefined) !== (query.tagValue === undefined))
        throw new VeilError('validation_failed', 'query.tagKey: tagKey and tagValue go together');
      if (
        query.receivedFrom !== undefined &&
        query.receivedTo !== undefined &&
        query.receivedFrom > query.receivedTo
      )
        throw new VeilError('validation_failed', 'query.receivedFrom: is after receivedTo');
      const tag =
        query.tagKey !== undefined && query.tagValue !== undefined
          ? { key: query.tagKey, value: query.tagValue }
          : undefined;
      const rows = await store.recordings.list({
        siteId: site.id,
        from: query.from,
        to: query.to,
        receivedFrom: query.receivedFrom,
        receivedTo: query.receivedTo,
        device: query.device,
        tag,
        minDurationMs: query.minDurationMs,
        page: query.page,
        signals: query.signals,
        sort,
        funnel,
        limit: query.limit + 1,
        after,
      });
      const page = rows.slice(0, query.limit);
      const last = page[page.length - 1];
      const nextCursor =
        rows.length > query.limit && last
          ? encodeCursor({
              startedAt: last.startedAt,
              id: last.id,
              value: sort === undefined ? undefined : last.signals[sort],
            })
          : null;
      return { sessions: page.map(sessionSummary), nextCursor };
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sessions/:id',
    permission: 'sessions:read',
    site: sessionObject,
    params: sessionParams,
    doc: {
      summary: 'One session with its page views',
      tags: ['sessions'],
      responses: {
        200: {
          description: 'The session',
          schema: sessionDetailResponseSchema,
        },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ params, request }) => {
      const session = await store.recordings.get(params.id);
      if (!session || !canSeeSite(request.principal, session.siteId))
        throw new VeilError('not_found', 'no such session');
      const pages = await readPageViews(store, cipher, session.id);
      return { session: { ...sessionSummary(session), pages } };
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sessions/:id/events',
    permission: 'replay:raw',
    site: sessionObject,
    params: sessionParams,
    querystring: eventsQuery,
    doc: {
      summary: 'The decrypted rrweb events of a session, under a live raw-replay grant',
      description:
        'Reading changes nothing: the access was recorded (access log, audit log) when the grant was ' +
        'opened with `POST /sessions/{id}/replay-grants`. Without a live grant of the caller: `purpose_required`.',
      tags: ['sessions'],
      responses: {
        200: {
          description: 'Every event in sequence order',
          schema: sessionEventsResponseSchema,
        },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ params, query, request, reply }) => {
      const principal = request.principal;
      const session = await store.recordings.get(params.id);
      if (!session || !principal || !canSeeSite(principal, session.siteId))
        throw new VeilError('not_found', 'no such session');
      // Every read runs under a live, purpose-bound grant of this caller for this session; opening
      // one is a POST (audited, CSRF-checked), so this GET changes nothing.
      if (query.grant === undefined) {
        throw new VeilError(
          'purpose_required',
          'open a grant with a stated purpose first: POST /api/v1/sessions/{id}/replay-grants, then ?grant={grant id}',
        );
      }
      const grant = await liveGrantOf(app.veil, principal, session.id, query.grant);
      const purpose = grant.purpose;
      const events = concatJsonArrays(await readEventArrays(store, cipher, session.id));
      const grantJson = JSON.stringify({
        id: grant.id,
        purpose: grant.purpose,
        ticket: grant.ticket,
        expiresAt: grant.expiresAt,
      });
      const body = `{"sessionId":${JSON.stringify(session.id)},"purpose":${JSON.stringify(purpose)},"grant":${grantJson},"events":${events}}`;
      return reply.type('application/json; charset=utf-8').send(body);
    },
  });
}
