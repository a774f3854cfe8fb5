import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import type { DestinationStream, Logger } from 'pino';
import { AlertService } from './alerts/AlertService.js';
import { openAuditLog } from './audit/openAuditLog.js';
import { OidcClient } from './auth/oidc/OidcClient.js';
import { bootstrapOwner } from './bootstrap/bootstrapOwner.js';
import { bootstrapOwnerTotp } from './bootstrap/bootstrapOwnerTotp.js';
import { ensureDemoSite } from './bootstrap/ensureDemoSite.js';
import { verifyMasterKey } from './bootstrap/verifyMasterKey.js';
import { type Clock, systemClock } from './clock.js';
import type { VeilConfig } from './config/config.js';
import type { VeilContext } from './context.js';
import { EnvelopeCipher } from './crypto/EnvelopeCipher.js';
import { loadMasterKey } from './crypto/masterKey.js';
import { installAccessControl } from './http/accessControl.js';
import { installDrainOnClose } from './http/drainOnClose.js';
import { installErrorHandling, toErrorResponse } from './http/errorHandler.js';
import { installSecurityHeaders } from './http/securityHeaders.js';
import { IngestPipeline } from './ingest/IngestPipeline.js';
import type { IngestService } from './ingest/IngestService.js';
import { localWrites } from './ingest/IngestWrites.js';
import { IngestWorkerPool } from './ingest/workers/IngestWorkerPool.js';
import { FinaliseSessionsJob } from './jobs/FinaliseSessionsJob.js';
import { SiteScanJob, type SiteScanJobDeps } from './jobs/SiteScanJob.js';
import { createLogger } from './logging/createLogger.js';
import { createRegionLookup } from './privacy/RegionLookup.js';
import { registerRoutes } from './routes/index.js';
import { openStore } from './storage/openStore.js';
import type { PrivacyAlertRecord } from './storage/privacy/PrivacyRepository.js';
import type { Store } from './storage/Store.js';
import { loadIdentitySecret } from './subjects/identitySecret.js';
import { SubjectHasher } from './subjects/SubjectHasher.js';

/** Bodies of `/api` requests are small JSON documents. */
export const API_BODY_LIMIT_BYTES = 64 * 1024;
/** A request that has not completed after this long is answered 408. */
const REQUEST_TIMEOUT_MS = 30_000;

export interface AppDeps {
  /** A store to use (the caller closes it); by default the configured one is opened and closed with the app. */
  store?: Store;
  clock?: Clock;
  /** Where pino writes its JSON lines (stdout by default); ignored when `logger` is given. */
  logStream?: DestinationStream;
  logger?: Logger;
  /** Console output for people (the generated owner password); never the log. Default: stdout. */
  print?: (line: string) => void;
  /** Scanner options of every scheduled scan besides the schedule's (tests go offline, settle faster). */
  siteScanOptions?: SiteScanJobDeps['scanOptions'];
}

export type VeilApp = FastifyInstance;

/**
 * Builds the whole server (not listening): opens and migrates the store unless one is given, loads
 * the master key, creates the owner on first start and the demo site (when VEIL_DEMO is on and the
 * port is known), and registers every route. The returned app is ready; `app.close()` releases it.
 */
export async function createApp(config: VeilConfig, deps: AppDeps = {}): Promise<VeilApp> {
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? createLogger(config, deps.logStream);
  const print = deps.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const store =
    deps.store ??
    (await openStore(config.database, {
      clock: () => clock.now(),
      onBackgroundError: (error) =>
        logger.warn({ err: error }, 'database connection lost; the pool reconnects'),
    }));
  let closeAudit: () => Promise<void> = async () => undefined;
  try {
    const master = await loadMasterKey(config.masterKey, config.dataDir);
    for (const warning of master.warnings) logger.warn(warning);
    if (master.origin === 'file' && config.database.kind === 'postgres') {
      logger.warn('set VEIL_MASTER_KEY when using PostgreSQL: every Veil process must share one master key');
    }
    const cipher = new EnvelopeCipher(master.key);
    await verifyMasterKey(store, cipher);
    const identity = await loadIdentitySecret(config.identitySecret, config.dataDir);
    for (const warning of identity.warnings) logger.warn(warning);
    if (identity.origin === 'file' && config.database.kind === 'postgres') {
      logger.warn(
        'set VEIL_IDENTITY_SECRET when using PostgreSQL: every Veil process must hash user ids alike',
      );
    }
    const hasher = new SubjectHasher(identity.secret);

    const opened = await openAuditLog(store, clock, config, {
      warn: (message) => logger.warn(message),
      anchorFailed: (error, anchor, checkpoint) =>
        logger.error(
          { err: error, anchor: anchor.description, seq: checkpoint.seq },
          'audit checkpoint not anchored; retried within a minute',
        ),
      // Checkpoints always go to the application log too: one more copy outside the database.
      anchors: [
        {
          description: 'application log',
          write: async (checkpoint) =>
            logger.info({ auditCheckpoint: checkpoint }, 'audit checkpoint signed'),
          close: async () => undefined,
        },
      ],
    });
    const audit = opened.audit;
    closeAudit = opened.close;

    const owner = await bootstrapOwner(store, config, clock);
    if (owner.createdEmail) {
      logger.info('created the owner account');
      const withTotp = await bootstrapOwnerTotp(
        store,
        cipher,
        clock,
        owner.createdEmail,
        config.adminTotpSecret,
      );
      const created = await store.users.findByEmail(owner.createdEmail);
      await audit.record({
        action: 'user.created',
        actor: { type: 'system', id: null, label: 'bootstrap' },
        target: created ? { type: 'user', id: created.id } : null,
        details: { email: owner.createdEmail, role: 'owner', sites: 'all', totp: withTotp },
      });
      if (owner.generatedPassword) {
        print(
          `Created the owner account ${owner.createdEmail} with the generated password: ${owner.generatedPassword}`,
        );
        print(
          'Store it now: it is not shown again. (Set VEIL_ADMIN_PASSWORD before the first start to choose it.)',
        );
      }
    }

    const regions = createRegionLookup({
      headerConfigured: config.regionHeader !== undefined,
      databaseFile: config.geoipDatabase,
    });

    const app = Fastify({
      loggerInstance: logger as FastifyBaseLogger,
      trustProxy: typeof config.trustProxy === 'number' ? trustHops(config.trustProxy) : config.trustProxy,
      bodyLimit: API_BODY_LIMIT_BYTES,
      requestTimeout: REQUEST_TIMEOUT_MS,
      // installDrainOnClose answers during shutdown instead, with the envelope and Retry-After.
      return503OnClosing: false,
      // Errors before routing (a malformed percent-encoding) get the envelope too.
      frameworkErrors: (error, _request, reply) => {
        const { status, body } = toErrorResponse(error);
        void (reply as FastifyReply).status(status).type('application/json; charset=utf-8').send(body);
      },
    });
    // First: every answer carries them, also one that a later onRequest hook (access control) sends.
    await installSecurityHeaders(app);
    installDrainOnClose(app);
    // Cookies are parsed by an onRequest hook that must run before access control's.
    await app.register(fastifyCookie);
    const routes = installAccessControl(app, { store, clock });
    const alerts = new AlertService({
      store,
      clock,
      cipher,
      onError: (message, error) => logger.warn({ err: error }, message),
    });
    // A canary value arrived unmasked: a masking regression in production. Never the value.
    const onPrivacyAlert = (alert: PrivacyAlertRecord) =>
      logger.error(
        {
          privacyAlert: {
            id: alert.id,
            siteId: alert.siteId,
            kind: alert.kind,
            label: alert.label,
            count: alert.count,
          },
        },
        'privacy canary arrived unmasked',
      );
    const ingest: IngestService =
      config.ingestWorkers > 0
        ? new IngestWorkerPool(
            config.ingestWorkers,
            {
              store,
              clock,
              writes: localWrites(store, cipher),
              alerts,
              onPrivacyAlert,
              onWorkerError: (error) => logger.error({ err: error }, 'an ingest worker failed; replaced'),
            },
            {
              masterKey: master.key,
              identitySecret: identity.secret,
              regions: {
                headerConfigured: config.regionHeader !== undefined,
                databaseFile: config.geoipDatabase,
              },
            },
          )
        : new IngestPipeline({ store, cipher, clock, hasher, regions, alerts, onPrivacyAlert });
    const context: VeilContext = {
      config,
      store,
      clock,
      cipher,
      audit,
      oidc: config.oidc ? new OidcClient(config.oidc) : undefined,
      hasher,
      ingest,
      alerts,
      regions,
      routes,
      jobs: {
        finaliseSessions: new FinaliseSessionsJob({ store, clock, logger }),
        siteScans: new SiteScanJob({
          store,
          clock,
          alerts,
          logger,
          chromiumPath: config.chromiumPath,
          ...(deps.siteScanOptions ? { scanOptions: deps.siteScanOptions } : {}),
        }),
      },
      demoSiteKey:
        config.demo && config.port !== 0 ? await ensureDemoSite(store, clock, config.port) : undefined,
    };
    app.decorate('veil', context);
    installErrorHandling(app);
    // A scan started by "run now" finishes (and stores its result) before the store closes.
    app.addHook('preClose', async () => context.jobs.siteScans.idle());
    app.addHook('onClose', async () => closeAudit());
    app.addHook('onClose', async () => ingest.close());
    if (!deps.store) app.addHook('onClose', async () => store.close());

    acceptEmptyJsonBodies(app);
    await registerRoutes(app);
    await app.ready();
    return app;
  } catch (error) {
    await closeAudit();
    if (!deps.store) await store.close();
    throw error;
  }
}

/**
 * The API takes JSON only (a cross-site form cannot send it without a preflight), and a POST
 * without a body but with `Content-Type: application/json` (logout) is not an error.
 */
function acceptEmptyJsonBodies(app: FastifyInstance): void {
  app.removeContentTypeParser('text/plain');
  const strictJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '' || (Buffer.isBuffer(body) && body.length === 0)) {
      done(null, undefined);
      return;
    }
    strictJson(request, body as string, done);
  });
}

/** VEIL_TRUST_PROXY=N: trust the N proxies nearest to this process. */
function trustHops(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}
