import { normaliseReplayPurpose, type ReplayGrantResponse, replayGrantEnvelopeSchema } from '@veil/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { sessionObject } from '../access/objectScopes.js';
import { canSeeSite, type Principal } from '../auth/principal.js';
import type { VeilContext } from '../context.js';
import { VeilError } from '../errors/VeilError.js';
import { addRoute } from '../http/addRoute.js';
import { errorResponses } from '../http/errorResponses.js';
import {
  grantReplayAccess,
  MAX_PURPOSE_CHARS,
  MAX_TICKET_CHARS,
  MIN_PURPOSE_CHARS,
  REPLAY_GRANT_TTL_MS,
} from '../replay/replayGrants.js';
import type { ReplayGrantRecord } from '../storage/access/ReplayGrantRepository.js';

function grantView(grant: ReplayGrantRecord): ReplayGrantResponse {
  return { id: grant.id, purpose: grant.purpose, ticket: grant.ticket, expiresAt: grant.expiresAt };
}

/** The caller's own live grant `grantId` on this session, or 403. */
export async function liveGrantOf(
  veil: Pick<VeilContext, 'store' | 'clock'>,
  principal: Principal,
  sessionId: string,
  grantId: string,
): Promise<ReplayGrantRecord> {
  const grant = await veil.store.replayGrants.findById(grantId);
  const mine =
    grant &&
    (principal.kind === 'user' ? grant.userId === principal.userId : grant.apiTokenId === principal.tokenId);
  if (!grant || !mine || grant.sessionId !== sessionId) {
    throw new VeilError('forbidden', 'this grant is not yours or not for this session');
  }
  if (grant.expiresAt <= veil.clock.now()) {
    throw new VeilError('purpose_required', 'this grant has expired: state the purpose again');
  }
  return grant;
}

/** Why a (normalised) purpose cannot open a raw replay, or null. */
export function purposeProblem(purpose: string): string | null {
  if (purpose.length < MIN_PURPOSE_CHARS || !/\p{L}/u.test(purpose))
    return `state why you open this raw replay in at least ${MIN_PURPOSE_CHARS} characters of text`;
  if (purpose.length > MAX_PURPOSE_CHARS)
    return `keep the purpose under ${MAX_PURPOSE_CHARS} characters (put details in the ticket)`;
  return null;
}

/** Purpose-bound, time-limited raw replay access. */
export async function replayGrantRoutes(app: FastifyInstance): Promise<void> {
  const { store } = app.veil;

  addRoute(app, {
    method: 'POST',
    url: '/api/v1/sessions/:id/replay-grants',
    permission: 'replay:raw',
    site: sessionObject,
    params: z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'is not a session id') }),
    body: z.object({
      purpose: z
        .string()
        .max(MAX_PURPOSE_CHARS * 2)
        .transform(normaliseReplayPurpose)
        .describe(`why this raw replay is opened: at least ${MIN_PURPOSE_CHARS} characters of text`),
      ticket: z
        .string()
        .trim()
        .max(MAX_TICKET_CHARS)
        .optional()
        .describe('a ticket reference for the purpose'),
    }),
    doc: {
      summary: `Open a session's raw replay for a stated purpose, for ${REPLAY_GRANT_TTL_MS / 60_000} minutes`,
      description:
        `The purpose is at least ${MIN_PURPOSE_CHARS} characters of text (\`purpose_required\` otherwise). ` +
        'Recorded in the access log and the audit log with the purpose and ticket; cookie sessions send ' +
        'the CSRF token like every write. Read the events with `GET /sessions/{id}/events?grant={id}` while it lasts.',
      tags: ['sessions'],
      responses: {
        201: { description: 'The grant', schema: replayGrantEnvelopeSchema },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ params, body, request, reply }) => {
      const principal = request.principal;
      const problem = purposeProblem(body.purpose);
      if (problem) throw new VeilError('purpose_required', problem);
      const session = await store.recordings.get(params.id);
      if (!session || !principal || !canSeeSite(principal, session.siteId))
        throw new VeilError('not_found', 'no such session');
      const { grant } = await grantReplayAccess(
        app.veil,
        principal,
        session,
        body.purpose,
        body.ticket || null,
      );
      return reply.status(201).send({ grant: grantView(grant) });
    },
  });
}
