/**
 * The environment every in-process e2e server starts with, before the test's own variables.
 *
 * Shedding by queueing delay (`VEIL_INGEST_MAX_QUEUE_MS`, default 200 ms) answers 503 when the
 * machine, not the server, is slow: a browser test run beside other jobs saw its recorder's batch
 * shed and resent, and a test that expects every request answered 202 failed on it. These servers
 * take one visitor's batches, never a load, so the limit is raised to its maximum; shedding has its
 * own tests (ingestQueueShedding, ingestLoadShedding, the shed-then-leave e2e through a proxy) and
 * a test may set the variable again in its own `env`.
 */
export const E2E_SERVER_ENV = { VEIL_INGEST_MAX_QUEUE_MS: '600000' } as const;
