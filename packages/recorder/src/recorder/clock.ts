/** Time and timers, injected so that batching and retries are tested without sleeping. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): number;
  clearTimeout(handle: number): void;
}

export const browserClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => window.setTimeout(fn, ms),
  clearTimeout: (handle) => window.clearTimeout(handle),
};

/** A teardown: every subsystem returns one, and `stop()` composes them. */
export type Teardown = () => void;

/** Reports a caught error; the recorder never throws into the host page. */
export type ErrorReporter = (error: unknown, where: string) => void;
