/**
 * The dashboard e2e tests' common ground: a real Veil server on a fresh data directory with a
 * known owner (password and TOTP), and the owner's sign-in through the dashboard's own screens.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Role } from '@veil/core';
import type { BrowserContext, Page } from 'playwright-core';
import { hashPassword } from '../../packages/server/src/auth/passwords.js';
import { base32Decode, totp } from '../../packages/server/src/auth/totp.js';
import {
  type AppDeps,
  loadConfig,
  type RunningServer,
  startServer,
} from '../../packages/server/src/index.js';
import { E2E_SERVER_ENV } from './e2eServerEnv.js';

/** The owner account a test server is created with. */
export interface Owner {
  email: string;
  password: string;
  totpSecret: string;
}

/** A fixed TOTP secret (base32) so the test can compute the codes. */
export const TEST_TOTP_SECRET = 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU';

/** An owner whose e-mail and password name the test (`owner@NAME.e2e`). */
export function ownerFor(name: string): Owner {
  return {
    email: `owner@${name}.e2e`,
    password: `e2e-${name}-Owner-Passw0rd!`,
    totpSecret: TEST_TOTP_SECRET,
  };
}

export interface DashboardServer {
  server: RunningServer;
  /** The temporary folder holding the data directory. */
  root: string;
  owner: Owner;
  /** Stops the server and removes the data directory. */
  close(): Promise<void>;
}

/**
 * Starts Veil on a free loopback port with its own data directory, the given owner, no demo data
 * and quiet logs. `env` adds or overrides environment variables, `deps` the app's dependencies.
 */
export async function startDashboardServer(
  owner: Owner,
  options: { env?: Record<string, string>; deps?: AppDeps } = {},
): Promise<DashboardServer> {
  const root = await mkdtemp(join(tmpdir(), 'veil-e2e-'));
  try {
    const config = loadConfig(
      {
        PORT: '0',
        HOST: '127.0.0.1',
        VEIL_DATA_DIR: join(root, 'data'),
        VEIL_ADMIN_EMAIL: owner.email,
        VEIL_ADMIN_PASSWORD: owner.password,
        VEIL_ADMIN_TOTP_SECRET: owner.totpSecret,
        VEIL_DEMO: 'false',
        VEIL_LOG_LEVEL: 'warn',
        ...E2E_SERVER_ENV,
        ...options.env,
      },
      root,
    );
    const server = await startServer(config, {
      logStream: { write: () => undefined },
      print: () => undefined,
      ...options.deps,
    });
    return {
      server,
      root,
      owner,
      async close() {
        await server.close();
        await rm(root, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}

/** A person who signs in with a password alone (an analyst, a viewer: no second factor). */
export interface User {
  email: string;
  password: string;
}

/**
 * Adds a user with `role` and a password (hashed cheaply: tests, not attackers), holding every
 * site or, with `siteIds`, only those sites.
 */
export async function createUser(
  server: RunningServer,
  user: User,
  role: Role,
  options: { siteIds?: readonly string[] } = {},
): Promise<void> {
  await server.store.users.create({
    email: user.email,
    role,
    passwordHash: await hashPassword(user.password, { memoryCost: 256, timeCost: 1, parallelism: 1 }),
    createdAt: Date.now(),
    siteIds: options.siteIds ?? null,
  });
}

/** Signs `user` in with a password alone (roles without a second factor). */
export async function signInWithPassword(page: Page, origin: string, user: User): Promise<void> {
  await page.goto(`${origin}/`);
  await page.getByTestId('login-email').fill(user.email);
  await page.getByTestId('login-password').fill(user.password);
  await page.getByTestId('login-submit').click();
}

/**
 * Signs `owner` in on the dashboard at `origin` (password, then the current TOTP code).
 * `totpAheadMs` moves the code to a later step: a step once used is refused (no replay).
 */
export async function signIn(
  page: Page,
  origin: string,
  owner: Owner,
  options: { totpAheadMs?: number } = {},
): Promise<void> {
  await signInWithPassword(page, origin, owner);
  await page
    .getByTestId('totp-code')
    .fill(totp(base32Decode(owner.totpSecret), Date.now() + (options.totpAheadMs ?? 0)));
  await page.getByTestId('totp-submit').click();
}

/**
 * Makes the pages of `context` run a frame callback as soon as it is asked for (in a microtask,
 * before React renders what the same update set), the order a busy machine sometimes produces.
 * Code that focuses an element in a frame callback after setting the state that shows it then
 * misses it every time instead of now and then. A callback that asks for another frame gets a
 * real one, so animation loops still run at the browser's pace.
 */
export async function eagerFrames(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const real = window.requestAnimationFrame.bind(window);
    let inEagerFrame = false;
    window.requestAnimationFrame = (callback: FrameRequestCallback): number => {
      if (inEagerFrame) return real(callback);
      queueMicrotask(() => {
        inEagerFrame = true;
        try {
          callback(performance.now());
        } finally {
          inEagerFrame = false;
        }
      });
      return 0;
    };
  });
}
