/**
 * @veil/server — Veil's Fastify server, usable in-process (e2e tests, embedding) and by the CLI.
 *
 * - `loadConfig(env?, cwd?)` → `VeilConfig`: the environment parsed once (zod); throws `ConfigError`.
 *   `CONFIG_VARIABLES` lists every variable with its default and description (the README's table).
 * - `createApp(config, { store?, clock?, logStream?, logger?, print? })` → a ready Fastify instance
 *   (not listening) with `app.veil` (store, clock, ingest pipeline and metrics, jobs, route table,
 *   demo site key). Use `app.inject()` or `app.listen()`; `app.close()` releases it.
 * - `startServer(config, deps?)` → `{ url, port, app, store, demoSiteKey, close }`: listening on
 *   `config.host:config.port` (port 0 = ephemeral; the demo site's origins follow the real port),
 *   with the finalisation and login-expiry jobs running.
 * - `openStore(config.database)` → `Store`: the migrated SQLite or PostgreSQL store.
 * - `ManualClock`, `systemClock`: clocks to inject.
 * - `createApiToken(store, clock, { role, name, siteIds?, expiresInDays? })` → `{ token, record }`: what
 *   `veil tokens create` does (default lifetime 90 days; `expiresInDays: null` for none).
 * - `app.veil.audit.record({ action, actor, siteKey?, target?, details? })`: the tamper-evident audit log
 *   (see `audit/AuditLog.ts`); `app.veil.audit.verify()` checks the whole chain.
 */
export { createApiToken } from './auth/createApiToken.js';
export { type Clock, ManualClock, systemClock } from './clock.js';
export {
  ConfigError,
  DEFAULT_PASSWORD_HASHING,
  describeConfig,
  loadConfig,
  type PasswordHashingOptions,
  type VeilConfig,
} from './config/config.js';
export { CONFIG_VARIABLES, type ConfigVariable } from './config/configVariables.js';
export type { VeilContext } from './context.js';
export { type AppDeps, createApp, type VeilApp } from './createApp.js';
export { VeilError } from './errors/VeilError.js';
export type { IngestMetricsSnapshot } from './ingest/pipelineMetrics.js';
export { type RunningServer, startServer } from './startServer.js';
export { type OpenStoreOptions, openStore } from './storage/openStore.js';
export type { Store } from './storage/Store.js';
