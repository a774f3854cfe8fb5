import type { Clock } from '../clock.js';

/** Failed logins per account within `LOGIN_FAILURE_WINDOW_MS` before further attempts wait. */
export const MAX_LOGIN_FAILURES = 10;
export const LOGIN_FAILURE_WINDOW_MS = 15 * 60 * 1000;
/** Accounts tracked at once; the oldest entry goes first when full. */
const MAX_TRACKED_ACCOUNTS = 10_000;

/**
 * Slows password guessing against one account: after `MAX_LOGIN_FAILURES` failures within the
 * window, logins for that email are refused until the oldest failure leaves the window. In memory,
 * per process; keyed by email (client IPs are never kept).
 */
export class LoginThrottle {
  readonly #failures = new Map<string, number[]>();

  constructor(private readonly clock: Clock) {}

  isBlocked(email: string): boolean {
    return this.#recent(email).length >= MAX_LOGIN_FAILURES;
  }

  recordFailure(email: string): void {
    const recent = this.#recent(email);
    recent.push(this.clock.now());
    this.#failures.delete(email);
    this.#failures.set(email, recent);
    if (this.#failures.size > MAX_TRACKED_ACCOUNTS) {
      const oldest = this.#failures.keys().next().value;
      if (oldest !== undefined) this.#failures.delete(oldest);
    }
  }

  recordSuccess(email: string): void {
    this.#failures.delete(email);
  }

  #recent(email: string): number[] {
    const since = this.clock.now() - LOGIN_FAILURE_WINDOW_MS;
    return (this.#failures.get(email) ?? []).filter((t) => t > since);
  }
}
