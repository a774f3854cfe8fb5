/**
 * The dashboard e2e tests' common ground: a real Veil server on a fresh data directory with a
 * known owner (password and TOTP), and the owner's sign-in through the dashboard's own screens.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { base32Decode, totp } from '../../packages/server/src/auth/totp.js';
import {
  type AppDeps,
  loadConfig,
  type RunningServer,
  startServer,
} from '../../packages/server/src/index.js';

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

/** Signs `owner` in on the dashboard at `origin` (password, then the current TOTP code). */
export async function signIn(page: Page, origin: string, owner: Owner): Promise<void> {
  await page.goto(`${origin}/`);
  await page.getByTestId('login-email').fill(owner.email);
  await page.getByTestId('login-password').fill(owner.password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('totp-code').fill(totp(base32Decode(owner.totpSecret), Date.now()));
  await page.getByTestId('totp-submit').click();
}
