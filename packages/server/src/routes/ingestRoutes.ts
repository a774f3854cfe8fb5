import { ingestBatchSchema, MAX_BATCH_COMPRESSED_BYTES } from '@veil/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { VeilError } from '../errors/VeilError.js';
import { allowOrigin, preflightHeaders } from '../http/cors.js';
import { toErrorResponse } from '../http/errorHandler.js';
import { errorResponses } from '../http/errorResponses.js';
import { INGEST_CONTENT_TYPES } from '../ingest/steps/validate.js';
import { normalizeOrigin } from '../sites/origins.js';
import type { SiteRecord } from '../storage/sites/SiteRepository.js';

/** What a shed batch is told to wait (`Retry-After`, seconds). */
export const SHED_RETRY_AFTER_SECONDS = 1;

const ingestAckSchema = z
  .object({ sessionId: z.string(), ack: z.number().int(), duplicate: z.boolean() })
  .meta({ id: 'IngestAck' });

/** The trusted proxy's country header (`VEIL_REGION_HEADER`), when one is configured. */
function regionHeaderValue(request: FastifyRequest, header: string | undefined): string | undefined {
  if (!header) return undefined;
  const raw = request.headers[header.toLowerCase()];
  return Array.isArray(raw) ? raw[0] : raw;
}

/** `Sec-GPC: 1` or `DNT: 1` on the request (Global Privacy Control, Do Not Track). */
export function privacySignalOf(request: FastifyRequest): 'Sec-GPC' | 'DNT' | undefined {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.trim();
  if (first(request.headers['sec-gpc']) === '1') return 'Sec-GPC';
  if (first(request.headers.dnt) === '1') return 'DNT';
  return undefined;
}

/**
 * `POST /ingest/v1/batch` and its CORS preflight. The body is read as raw bytes (any content type,
 * at most `MAX_BATCH_COMPRESSED_BYTES`) and handed to the ingest pipeline, which decides.
 */
export async function ingestRoutes(app: FastifyInstance): Promise<void> {
  const { ingest, store } = app.veil;

  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: MAX_BATCH_COMPRESSED_BYTES },
    (_req, body, done) => {
      done(null, body);
    },
  );

  /**
   * Origins lately found to belong to a site, with when that answer expires: a shed answer must
   * be readable by the page (a CORS failure hides the 503 and its Retry-After, and the recorder
   * falls back to its exponential back-off, up to a minute), yet shedding must stay cheap under
   * overload, so a known origin costs one lookup a minute, not one per answer.
   */
  const knownOrigins = new Map<string, number>();
  const KNOWN_ORIGIN_TTL_MS = 60_000;
  const KNOWN_ORIGINS_MAX = 10_000;
  async function isKnownOrigin(origin: string): Promise<boolean> {
    const now = app.veil.clock.now();
    const until = knownOrigins.get(origin);
    if (until !== undefined && until > now) return true;
    const known = await store.sites.isKnownOrigin(origin);
    if (known) {
      if (knownOrigins.size >= KNOWN_ORIGINS_MAX) knownOrigins.clear();
      knownOrigins.set(origin, now + KNOWN_ORIGIN_TTL_MS);
    }
    return known;
  }

  /** The browser may read the answer when its origin is the site's (or, before the site is known, any site's). */
  async function corsFor(
    request: FastifyRequest,
    reply: FastifyReply,
    site: SiteRecord | undefined,
  ): Promise<void> {
    const origin = normalizeOrigin(request.headers.origin);
    if (origin === undefined) return allowOrigin(reply, undefined);
    const allowed = site ? site.origins.includes(origin) : await isKnownOrigin(origin);
    allowOrigin(reply, allowed ? origin : undefined);
  }

  // Refusals by the HTTP layer itself (body over the limit) are counted as validate drops.
  app.setErrorHandler(async (error, request, reply) => {
    const response = toErrorResponse(error);
    if (response.status < 500)
      ingest.recordEarlyDrop({ drop: response.body.error.code, message: response.body.error.message });
    else request.log.error({ err: error }, 'ingest failed');
    await corsFor(request, reply, undefined).catch((e: unknown) =>
      request.log.warn({ err: e }, 'CORS lookup failed'),
    );
    return reply.status(response.status).send(response.body);
  });

  // Load shedding, by count and by queueing delay: beyond `VEIL_INGEST_MAX_IN_FLIGHT` requests at
  // once, or once the oldest request still being handled has waited more than
  // `VEIL_INGEST_MAX_QUEUE_MS`, or the batches in flight would make a new one wait longer than that
  // (in flight × the recent time per batch: a burst is not admitted whole to wait in line),
  // a batch is refused at once (the recorder keeps it and sends it again after Retry-After or its
  // own back-off) rather than queued for seconds behind the others. Nothing refused was stored.
  const { ingestMaxInFlight: maxInFlight, ingestMaxQueueMs: maxQueueMs } = app.veil.config;
  /** Batches in flight below which none is shed by delay: one batch ahead is not a queue. */
  const QUEUE_FLOOR = 2;
  const { clock } = app.veil;
  /** Arrival time of every ingest request being handled, oldest first. */
  const arrivals = new Map<object, number>();
  /**
   * Time one batch takes to get through while the process is busy: a moving average of the gaps
   * between answers (the first gap of a busy stretch counts from its first arrival). Batches in
   * flight × this is the wait a new batch would have (Little's law), known before it waited.
   */
  let perBatchMs: number | undefined;
  let lastProgress = 0;
  const shed = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const now = clock.now();
    const oldest = arrivals.values().next().value;
    // Delay needs a queue: behind fewer than QUEUE_FLOOR batches a new one waits for nothing but
    // its own work, however slow the batch ahead is (a large first snapshot on a busy machine).
    const behind =
      arrivals.size >= QUEUE_FLOOR &&
      ((oldest !== undefined && now - oldest > maxQueueMs) ||
        (perBatchMs !== undefined && arrivals.size * perBatchMs > maxQueueMs));
    if (arrivals.size >= maxInFlight || behind) {
      ingest.recordShed();
      await corsFor(request, reply, undefined).catch((e: unknown) => {
        request.log.warn({ err: e }, 'CORS lookup failed');
        allowOrigin(reply, undefined);
      });
      const error = new VeilError('unavailable', 'Veil is at its ingest limit; retry later');
      request.log.debug({ by: behind ? 'queueing delay' : 'count' }, 'batch shed');
      await reply.status(503).header('retry-after', String(SHED_RETRY_AFTER_SECONDS)).send(error.toBody());
      return;
    }
    if (arrivals.size === 0) lastProgress = now;
    const token = {};
    arrivals.set(token, now);
    // 'close' comes after the answer was sent and also when the client went away.
    reply.raw.once('close', () => {
      arrivals.delete(token);
      const at = clock.now();
      const gap = Math.max(0, at - lastProgress);
      perBatchMs = perBatchMs === undefined ? gap : perBatchMs * 0.8 + gap * 0.2;
      lastProgress = at;
    });
  };

  app.route({
    method: 'POST',
    url: '/ingest/v1/batch',
    onRequest: shed,
    config: {
      permission: 'public',
      openapi: {
        summary: 'Ingest one batch of recorded events',
        description:
          "The body is the JSON of an IngestBatch, plain or gzip (by Content-Encoding or magic bytes); at most 1 MiB on the wire and 16 MiB decompressed. The Origin (or Referer) must be one of the site's origins. A request with Sec-GPC: 1 (or DNT: 1) is refused with 403 gpc_refused when the site's policy honours Global Privacy Control (the default), under either lawful basis. A batch whose sessionId is outside the site's sample (core's isSessionSampled under the current samplingPercent) is refused with 403 not_sampled: stop recording that session, do not retry. A retried (sessionId, seq) is acknowledged with duplicate: true and not stored twice. Beyond VEIL_INGEST_MAX_IN_FLIGHT requests at once, or while two or more batches are being handled and the oldest has waited more than VEIL_INGEST_MAX_QUEUE_MS (or they would make a new one wait longer), the batch is refused with 503 unavailable and Retry-After: 1 (send it again later); nothing refused is stored.",
        tags: ['ingest'],
        body: ingestBatchSchema,
        bodyContentTypes: [...INGEST_CONTENT_TYPES],
        responses: {
          202: { description: 'Stored (or already stored)', schema: ingestAckSchema },
          ...errorResponses(400, 403, 404, 409, 413, 415, 503),
        },
      },
    },
    handler: async (request, reply) => {
      const result = await ingest.run({
        contentType: request.headers['content-type'],
        contentEncoding: request.headers['content-encoding'],
        origin: request.headers.origin,
        referer: request.headers.referer,
        userAgent: request.headers['user-agent'],
        // For the IP block list and region lookup only; the pipeline drops it after those steps.
        clientIp: request.ip,
        regionHeaderValue: regionHeaderValue(request, app.veil.config.regionHeader),
        privacySignal: privacySignalOf(request),
        body: Buffer.isBuffer(request.body) ? request.body : undefined,
      });
      await corsFor(request, reply, result.site);
      if (!result.ok) {
        const error = new VeilError(result.drop.drop, result.drop.message);
        request.log.info({ code: error.code }, 'batch refused');
        return reply.status(error.statusCode).send(error.toBody());
      }
      return reply.status(202).send(result.ack);
    },
  });

  app.route({
    method: 'OPTIONS',
    url: '/ingest/v1/batch',
    config: {
      permission: 'public',
      openapi: {
        summary: 'CORS preflight of ingest',
        tags: ['ingest'],
        responses: { 204: { description: 'The origin belongs to a site' }, ...errorResponses(403) },
      },
    },
    handler: async (request, reply) => {
      const origin = normalizeOrigin(request.headers.origin);
      if (origin === undefined || !(await store.sites.isKnownOrigin(origin))) {
        throw new VeilError('origin_not_allowed', 'this origin belongs to no site');
      }
      preflightHeaders(reply, origin, 'POST, OPTIONS', 'Content-Type, Content-Encoding');
      return reply.status(204).send();
    },
  });
}
