import { createHmac, randomBytes } from 'node:crypto';
import type { Clock } from '../../clock.js';

/** Single sign-on starts one client address may make within `OIDC_START_WINDOW_MS`. */
export const MAX_OIDC_STARTS_PER_CLIENT = 10;
/** Starts of all clients together within the window (each writes a pending-login row). */
export const MAX_OIDC_STARTS = 300;
export const OIDC_START_WINDOW_MS = 60 * 1000;
/** Client addresses tracked at once; the oldest entry goes first when full. */
const MAX_TRACKED_CLIENTS = 10_000;

/**
 * Limits `GET /api/v1/auth/oidc/start`, which stores a pending login (state, nonce, PKCE verifier)
 * on every call: at most `MAX_OIDC_STARTS_PER_CLIENT` per client address and `MAX_OIDC_STARTS` in
 * all per minute, so a loop of GETs cannot fill the table. In memory, per process; an address is
 * kept only as a keyed hash under a key made at start-up, and only for the window.
 */
export class OidcStartThrottle {
  readonly #key = randomBytes(32);
  readonly #byClient = new Map<string, number[]>();
  #all: number[] = [];

  constructor(private readonly clock: Clock) {}

  /** Counts one start of this client; false (and nothing counted) when it is over a limit. */
  tryStart(clientAddress: string): boolean {
    const now = this.clock.now();
    const since = now - OIDC_START_WINDOW_MS;
    const client = createHmac('sha256', this.#key).update(clientAddress).digest('base64url');
    const recent = (this.#byClient.get(client) ?? []).filter((t) => t > since);
    this.#all = this.#all.filter((t) => t > since);
    if (recent.length >= MAX_OIDC_STARTS_PER_CLIENT || this.#all.length >= MAX_OIDC_STARTS) return false;
    recent.push(now);
    this.#all.push(now);
    this.#byClient.delete(client);
    this.#byClient.set(client, recent);
    if (this.#byClient.size > MAX_TRACKED_CLIENTS) {
      const oldest = this.#byClient.keys().next().value;
      if (oldest !== undefined) this.#byClient.delete(oldest);
    }
    return true;
  }
}
