import type { AlertService } from './alerts/AlertService.js';
import type { AuditLog } from './audit/AuditLog.js';
import type { OidcClient } from './auth/oidc/OidcClient.js';
import type { Clock } from './clock.js';
import type { VeilConfig } from './config/config.js';
import type { EnvelopeCipher } from './crypto/EnvelopeCipher.js';
import type { RegisteredRoute } from './http/accessControl.js';
import type { IngestService } from './ingest/IngestService.js';
import type { FinaliseSessionsJob } from './jobs/FinaliseSessionsJob.js';
import type { SiteScanJob } from './jobs/SiteScanJob.js';
import type { RegionLookup } from './privacy/RegionLookup.js';
import type { Store } from './storage/Store.js';
import type { SubjectHasher } from './subjects/SubjectHasher.js';

/** What every route and job of one app instance shares; `app.veil`. */
export interface VeilContext {
  readonly config: VeilConfig;
  readonly store: Store;
  readonly clock: Clock;
  readonly cipher: EnvelopeCipher;
  /** The tamper-evident audit log: `audit.record({...})` (see audit/AuditLog.ts for how). */
  readonly audit: AuditLog;
  /** Single sign-on, when VEIL_OIDC_ISSUER is set. */
  readonly oidc: OidcClient | undefined;
  /** Keyed hashes of user ids (`veil('identify', …)`, erasure and export by user id). */
  readonly hasher: SubjectHasher;
  readonly ingest: IngestService;
  /** Raises alerts (`alerts.raise(kind, siteKey, …)`) and sends them to the site's sinks. */
  readonly alerts: AlertService;
  /** The visitor's country (trusted proxy header, GeoIP database), for restricted regions and receipts. */
  readonly regions: RegionLookup;
  /** Every registered route with its permission (filled while routes register). */
  readonly routes: readonly RegisteredRoute[];
  readonly jobs: { readonly finaliseSessions: FinaliseSessionsJob; readonly siteScans: SiteScanJob };
  /** Key of the demo site once it exists (VEIL_DEMO on). */
  demoSiteKey: string | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    veil: VeilContext;
  }
}
