import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { IngestBatch, Role } from '@veil/core';
import type { LightMyRequestResponse } from 'fastify';
import { createApiToken } from '../../src/auth/createApiToken.js';
import { base32Decode, totp, totpStep } from '../../src/auth/totp.js';
import { ManualClock } from '../../src/clock.js';
import { loadConfig, type VeilConfig } from '../../src/config/config.js';
import { type AppDeps, createApp, type VeilApp } from '../../src/createApp.js';
import { createSite } from '../../src/sites/createSite.js';
import type { SiteRecord } from '../../src/storage/sites/SiteRepository.js';
import { T0 } from './batches.js';
import { grantTestConsent } from './consent.js';
import { makeTempDir } from './tempDir.js';

export const OWNER_EMAIL = 'owner@test.local';
export const OWNER_PASSWORD = 'correct horse battery staple';
/**
 * The owner's TOTP secret (VEIL_ADMIN_TOTP_SECRET): owners need a second factor, and tests compute
 * its codes the way an authenticator app does.
 */
export const OWNER_TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
export const SITE_ORIGIN = 'https://shop.example';

/** argon2id at its cheapest: tests exercise the code path, not the cost. */
export const FAST_HASHING = { memoryCost: 256, timeCost: 1, parallelism: 1 };

export interface TestApp {
  app: VeilApp;
  config: VeilConfig;
  clock: ManualClock;
  dir: string;
  /** Every JSON line the logger wrote. */
  logs: string[];
  printed: string[];
  site: SiteRecord;
  /**
   * Logs in through the API and returns the `Cookie` header value (enough for reads). When the
   * user has TOTP and `totpSecret` is known (the owner's by default) the second step is done too,
   * moving the clock to a fresh 30-second step when the current one was used already.
   */
  login(email?: string, password?: string, totpSecret?: string): Promise<string>;
  /** Like `login`, as request headers that also carry the CSRF token (needed for writes). */
  loginHeaders(email?: string, password?: string, totpSecret?: string): Promise<Record<string, string>>;
  token(role: Role): Promise<string>;
  ingest(
    batch: IngestBatch | string | Buffer,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  config?: Partial<VeilConfig>;
  /** Scanner options of the app's scheduled scans (offline, short settle). */
  siteScanOptions?: AppDeps['siteScanOptions'];
}

/** The whole app on a real SQLite file in a temporary data directory, with a site on `SITE_ORIGIN`. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const temp = makeTempDir();
  const dir = temp.dir;
  for (const sub of ['dashboard', 'recorder', 'demo']) mkdirSync(path.join(dir, sub));
  const config: VeilConfig = {
    ...loadConfig(
      {
        VEIL_DATA_DIR: path.join(dir, 'data'),
        VEIL_DEMO: 'false',
        VEIL_ADMIN_EMAIL: OWNER_EMAIL,
        VEIL_ADMIN_PASSWORD: OWNER_PASSWORD,
        VEIL_LOG_LEVEL: 'info',
        VEIL_DASHBOARD_DIR: path.join(dir, 'dashboard'),
        VEIL_RECORDER_DIR: path.join(dir, 'recorder'),
        VEIL_DEMO_DIR: path.join(dir, 'demo'),
        VEIL_ADMIN_TOTP_SECRET: OWNER_TOTP_SECRET,
        // Ingest on the main thread unless the run asks for workers (`VEIL_INGEST_WORKERS=2 npx vitest …`
        // runs the ingest tests on two worker threads; the workers load the built server).
        VEIL_INGEST_WORKERS: process.env.VEIL_INGEST_WORKERS ?? '0',
        ...options.env,
      },
      dir,
    ),
    passwordHashing: FAST_HASHING,
    ...options.config,
  };
  const clock = new ManualClock(T0);
  const logs: string[] = [];
  const printed: string[] = [];
  const app = await createApp(config, {
    clock,
    logStream: { write: (line: string) => void logs.push(line) },
    print: (line) => printed.push(line),
    ...(options.siteScanOptions ? { siteScanOptions: options.siteScanOptions } : {}),
  });
  const site = await createSite(app.veil.store, clock, {
    name: 'Shop',
    origins: [SITE_ORIGIN],
    samplingPercent: 100,
  });
  await grantTestConsent(app.veil.store, site);

  const loginHeaders = async (email = OWNER_EMAIL, password = OWNER_PASSWORD, totpSecret?: string) => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password },
    });
    if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
    const cookie = res.cookies.find((c) => c.name === 'veil_session');
    if (!cookie) throw new Error('no session cookie');
    const headers = {
      cookie: `veil_session=${cookie.value}`,
      'x-csrf-token': res.json().csrfToken as string,
    };
    const secret = totpSecret ?? (email === OWNER_EMAIL ? OWNER_TOTP_SECRET : undefined);
    if (res.json().secondFactor === 'pending' && res.json().totpEnabled && secret) {
      const user = await app.veil.store.users.findByEmail(email);
      if (user?.totpLastStep != null && user.totpLastStep >= totpStep(clock.now())) clock.advance(30_000);
      const verified = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/totp/verify',
        headers,
        payload: { code: totp(base32Decode(secret), clock.now()) },
      });
      if (verified.statusCode !== 204)
        throw new Error(`TOTP failed: ${verified.statusCode} ${verified.body}`);
    }
    return headers;
  };

  return {
    app,
    config,
    clock,
    dir,
    logs,
    printed,
    site,
    async login(email = OWNER_EMAIL, password = OWNER_PASSWORD, totpSecret) {
      const headers = await loginHeaders(email, password, totpSecret);
      return headers.cookie ?? '';
    },
    loginHeaders,
    async token(role) {
      const { token } = await createApiToken(app.veil.store, clock, { role, name: `test ${role}` });
      return token;
    },
    ingest(batch, headers = {}) {
      const payload = typeof batch === 'string' || Buffer.isBuffer(batch) ? batch : JSON.stringify(batch);
      return app.inject({
        method: 'POST',
        url: '/ingest/v1/batch',
        headers: { 'content-type': 'application/json', origin: SITE_ORIGIN, ...headers },
        payload,
      });
    },
    async close() {
      await app.close();
      temp.remove();
    },
  };
}

export function writeFixture(dir: string, file: string, content: string): void {
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  writeFileSync(path.join(dir, file), content);
}
