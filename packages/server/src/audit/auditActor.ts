import type { AuditActor } from '@veil/core';
import type { Principal } from '../auth/principal.js';

/** The audit actor of an API caller: the user (email as label) or the API token (its name). */
export function actorOf(principal: Principal | undefined): AuditActor {
  if (!principal) return { type: 'anonymous', id: null, label: null };
  if (principal.kind === 'user') return { type: 'user', id: principal.userId, label: principal.email };
  return { type: 'token', id: principal.tokenId, label: principal.name };
}

/** A background job of the server (`retention`, `alerts`…). */
export function systemActor(job: string): AuditActor {
  return { type: 'system', id: null, label: job };
}

/** Someone with shell access to the server, through `npx veil …`. */
export function cliActor(): AuditActor {
  return { type: 'system', id: null, label: 'cli' };
}
