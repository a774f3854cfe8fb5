/**
 * Single sign-on end to end: a real OpenID provider (`oidc-provider`) on 127.0.0.1, the real Veil
 * server and dashboard, headless Chromium. The provider's groups decide the role; a user in no
 * mapped group is refused; a role that can watch raw replays must enrol TOTP before anything else.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base32Decode, totp } from '../../packages/server/src/auth/totp.js';
import { loadConfig, type RunningServer, startServer } from '../../packages/server/src/index.js';
import { launchChromium } from '../support/browser.js';
import { startTestOidcProvider, type TestOidcProvider } from '../support/oidcProvider.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

const OWNER_EMAIL = 'owner@corp.example';
const OWNER_PASSWORD = 'sso-e2e-owner-password';
const OWNER_TOTP_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

let root: string;
let server: RunningServer;
let provider: TestOidcProvider;
let browser: Browser;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'veil-sso-'));
  const port = await freePort();
  const redirect = `http://127.0.0.1:${port}/api/v1/auth/oidc/callback`;
  provider = await startTestOidcProvider({
    redirectUri: redirect,
    accounts: [
      { login: 'ada', email: 'ada@corp.example', groups: ['staff', 'veil-analysts'] },
      { login: 'vic', email: 'vic@corp.example', groups: ['veil-viewers'] },
      { login: 'eve', email: 'eve@corp.example', groups: ['staff'] },
    ],
  });
  const config = loadConfig(
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      VEIL_DATA_DIR: join(root, 'data'),
      VEIL_ADMIN_EMAIL: OWNER_EMAIL,
      VEIL_ADMIN_PASSWORD: OWNER_PASSWORD,
      VEIL_ADMIN_TOTP_SECRET: OWNER_TOTP_SECRET,
      VEIL_DEMO: 'false',
      VEIL_LOG_LEVEL: 'warn',
      VEIL_OIDC_ISSUER: provider.issuer,
      VEIL_OIDC_CLIENT_ID: provider.clientId,
      VEIL_OIDC_CLIENT_SECRET: provider.clientSecret,
      VEIL_OIDC_REDIRECT_URL: redirect,
      VEIL_OIDC_SCOPES: 'openid email groups',
      VEIL_OIDC_ROLE_MAP: 'veil-viewers=replay_viewer@*; veil-analysts=analyst@*',
      VEIL_OIDC_LABEL: 'Sign in with Corp SSO',
    },
    root,
  );
  server = await startServer(config, { logStream: { write: () => {} }, print: () => {} });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await provider?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

/** From Veil's login page through the provider's login form and back. */
async function signInWithSso(page: Page, login: string): Promise<void> {
  await page.goto(`${server.url}/`);
  const button = page.getByTestId('sso-login');
  await expect.poll(() => button.textContent()).toBe('Sign in with Corp SSO');
  await button.click();
  await page.waitForURL((url) => url.href.startsWith(provider.issuer));
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', 'any password: the test provider accepts it');
  await page.click('button[type=submit]');
  await page.waitForURL((url) => url.href.startsWith(server.url));
}

describe('single sign-on with OpenID Connect', () => {
  it('signs in a user of a mapped group with the mapped role, and records it', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInWithSso(page, 'ada');
    const chip = page.getByTestId('current-user');
    await chip.waitFor();
    expect(await chip.textContent()).toContain('ada@corp.example');
    expect(await chip.textContent()).toContain('Analyst');
    const user = await server.store.users.findByEmail('ada@corp.example');
    expect(user).toMatchObject({ role: 'analyst', oidcSubject: `${provider.issuer}#ada` });
    const logins = await server.store.audit.query({
      order: 'desc',
      limit: 10,
      actions: ['auth.login_succeeded'],
    });
    expect(logins[0]).toMatchObject({ actor: { label: 'ada@corp.example' }, details: { method: 'oidc' } });
    await context.close();
  });

  it('refuses a user in no mapped group', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInWithSso(page, 'eve');
    expect(new URL(page.url()).searchParams.get('sso_error')).toBe('sso_no_role');
    const error = page.getByTestId('login-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('no group');
    expect(await server.store.users.findByEmail('eve@corp.example')).toBeUndefined();
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'veil_session')).toBeUndefined();
    await context.close();
  });

  it('makes a replay viewer enrol TOTP (QR code) before anything else', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInWithSso(page, 'vic');
    await page.getByTestId('totp-setup').waitFor();
    expect(await page.getByTestId('totp-qr').count()).toBe(1);
    const blocked = await page.evaluate(async () => (await fetch('/api/v1/sites')).status);
    expect(blocked).toBe(403);
    const secret = ((await page.getByTestId('totp-secret').textContent()) ?? '').replace(/\s/g, '');
    await page.getByTestId('totp-code').fill(totp(base32Decode(secret), Date.now()));
    await page.getByTestId('totp-submit').click();
    const chip = page.getByTestId('current-user');
    await chip.waitFor();
    expect(await chip.textContent()).toContain('Replay viewer');
    expect(await page.evaluate(async () => (await fetch('/api/v1/sites')).status)).toBe(200);
    await context.close();
  });

  it('shows the sign-ins in the searchable audit view, with the chain verified', async () => {
    const context = await browser.newContext({ viewport: { width: 1300, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.getByTestId('login-email').fill(OWNER_EMAIL);
    await page.getByTestId('login-password').fill(OWNER_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('totp-code').fill(totp(base32Decode(OWNER_TOTP_SECRET), Date.now()));
    await page.getByTestId('totp-submit').click();
    await page.getByTestId('nav-audit').click();
    const verified = page.getByTestId('audit-verify');
    await verified.waitFor();
    expect(await verified.textContent()).toContain('Chain intact');
    await page.getByTestId('audit-q').fill('vic@corp.example');
    await page.getByTestId('audit-search-submit').click();
    await expect
      .poll(async () =>
        page.getByTestId('audit-entry').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action'))),
      )
      .toEqual(expect.arrayContaining(['auth.login_succeeded', 'auth.totp_enrolled', 'user.created']));
    const actions = await page
      .getByTestId('audit-entry')
      .evaluateAll((rows) => rows.map((r) => r.textContent ?? ''));
    expect(actions.every((text) => text.includes('vic@corp.example') || text.includes('sso'))).toBe(true);
    await context.close();
  });
});
