import type { Clock } from './clock.js';
import type { VeilConfig } from './config/config.js';
import type { EnvelopeCipher } from './crypto/EnvelopeCipher.js';
import type { RegisteredRoute } from './http/accessControl.js';
import type { IngestPipeline } from './ingest/IngestPipeline.js';
import type { FinaliseSessionsJob } from './jobs/FinaliseSessionsJob.js';
import type { Store } from './storage/Store.js';

/** What every route and job of one app instance shares; `app.veil`. */
export interface VeilContext {
  readonly config: VeilConfig;
  readonly store: Store;
  readonly clock: Clock;
  readonly cipher: EnvelopeCipher;
  readonly ingest: IngestPipeline;
  /** Every registered route with its permission (filled while routes register). */
  readonly routes: readonly RegisteredRoute[];
  readonly jobs: { readonly finaliseSessions: FinaliseSessionsJob };
  /** Key of the demo site once it exists (VEIL_DEMO on). */
  demoSiteKey: string | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    veil: VeilContext;
  }
}
