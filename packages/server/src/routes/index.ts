/**
 * The route registry: every HTTP route of the server is registered from here, in this order.
 *
 * Where a route lives: every module that registers routes sits in `src/routes/`, one file per
 * resource, named `<resource>Routes.ts` and exporting one Fastify plugin of the same name. The
 * logic behind the routes stays in its feature folder (`consent/`, `subjects/`, `optout/`,
 * `static/`, `ingest/`, …); a route module parses the request, declares its permission and calls
 * that logic. A new route module is added to `ROUTE_MODULES` below and nowhere else: `createApp`
 * registers this list, and the route-table test enumerates it.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { accessAlertRoutes } from './accessAlertRoutes.js';
import { alertRoutes } from './alertRoutes.js';
import { auditRoutes } from './auditRoutes.js';
import { authRoutes } from './authRoutes.js';
import { complianceRoutes } from './complianceRoutes.js';
import { consentApiRoutes } from './consentApiRoutes.js';
import { consentPublicRoutes } from './consentPublicRoutes.js';
import { contentScanRoutes } from './contentScanRoutes.js';
import { funnelRoutes } from './funnelRoutes.js';
import { heatmapRoutes } from './heatmapRoutes.js';
import { incidentRoutes } from './incidentRoutes.js';
import { ingestRoutes } from './ingestRoutes.js';
import { inventoryRoutes } from './inventoryRoutes.js';
import { noticeRoutes } from './noticeRoutes.js';
import { oidcRoutes } from './oidcRoutes.js';
import { openApiRoutes } from './openApiRoutes.js';
import { optOutPageRoutes } from './optOutPageRoutes.js';
import { policyRoutes } from './policyRoutes.js';
import { publicRoutes } from './publicRoutes.js';
import { replayGrantRoutes } from './replayGrantRoutes.js';
import { retentionRoutes } from './retentionRoutes.js';
import { scanRoutes } from './scanRoutes.js';
import { sessionRoutes } from './sessionRoutes.js';
import { signalRoutes } from './signalRoutes.js';
import { siteRoutes } from './siteRoutes.js';
import { staticRoutes } from './staticRoutes.js';
import { subjectRoutes } from './subjectRoutes.js';
import { tokenRoutes } from './tokenRoutes.js';
import { totpRoutes } from './totpRoutes.js';
import { userRoutes } from './userRoutes.js';

/**
 * Every route module, in registration order (Fastify's router matches by specificity, not order;
 * the dashboard's `/*` catch-all in `staticRoutes` stays last by convention).
 */
export const ROUTE_MODULES: readonly FastifyPluginAsync[] = [
  publicRoutes,
  ingestRoutes,
  authRoutes,
  totpRoutes,
  oidcRoutes,
  userRoutes,
  tokenRoutes,
  auditRoutes,
  accessAlertRoutes,
  alertRoutes,
  replayGrantRoutes,
  siteRoutes,
  policyRoutes,
  noticeRoutes,
  sessionRoutes,
  heatmapRoutes,
  funnelRoutes,
  signalRoutes,
  consentPublicRoutes,
  consentApiRoutes,
  subjectRoutes,
  retentionRoutes,
  contentScanRoutes,
  complianceRoutes,
  scanRoutes,
  incidentRoutes,
  inventoryRoutes,
  optOutPageRoutes,
  openApiRoutes,
  staticRoutes,
];

/** Registers every route module of `ROUTE_MODULES` on `app`, in order. */
export async function registerRoutes(app: FastifyInstance): Promise<void> {
  for (const routes of ROUTE_MODULES) await app.register(routes);
}
