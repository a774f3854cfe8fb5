import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/auth/createApiToken.js';
import { parseOidcRoleMap } from '../../src/auth/oidc/oidcRoleMap.js';
import { NO_PASSWORD, ssoAccount } from '../../src/auth/oidc/ssoAccount.js';
import type { CliIo } from '../../src/cli/commands/shared.js';
import { runCli } from '../../src/cli/main.js';
import { createSite } from '../../src/sites/createSite.js';
import type { SiteRecord } from '../../src/storage/sites/SiteRepository.js';
import { OWNER_EMAIL, startTestApp, type TestApp } from '../support/testApp.js';

const ISSUER = 'https://idp.corp.example';

/**
 * The account rules of single sign-on, on a real database: the provider's groups decide role and
 * sites, but never re-role the owner, never link an existing password account nobody allowed, and
 * give no sites where the map names none.
 */
describe('single sign-on keeps the account rules', () => {
  let t: TestApp;
  let siteB: SiteRecord;
  let rules: ReturnType<typeof parseOidcRoleMap>;
  beforeAll(async () => {
    t = await startTestApp();
    siteB = await createSite(t.app.veil.store, t.clock, {
      name: 'B',
      origins: ['https://b.example'],
      samplingPercent: 100,
    });
    rules = parseOidcRoleMap(
      `veil-owners=owner@*;shop-admins=admin@${t.site.siteKey};b-admins=admin@${siteB.siteKey};` +
        'veil-analysts=analyst;everything=auditor@*',
    );
  });
  afterAll(() => t.close());

  const login = (sub: string, email: string, groups: string[]) =>
    ssoAccount(t.app.veil, { issuer: ISSUER, subject: sub, email, emailVerified: true, groups }, rules);

  async function sitesOf(userId: string): Promise<string[] | 'all'> {
    const user = await t.app.veil.store.users.findById(userId);
    if (user?.allSites) return 'all';
    return (await t.app.veil.store.users.siteIds(userId)).sort();
  }

  it('gives a user with no site mapping no sites, and mapped sites otherwise', async () => {
    const analyst = await login('a1', 'ana@corp.example', ['veil-analysts']);
    if (!('user' in analyst)) throw new Error(JSON.stringify(analyst));
    expect(analyst.user.role).toBe('analyst');
    expect(await sitesOf(analyst.user.id)).toEqual([]);
    // No site: no sessions of any site.
    const admin = await login('a2', 'adm@corp.example', ['shop-admins', 'b-admins']);
    if (!('user' in admin)) throw new Error(JSON.stringify(admin));
    expect(await sitesOf(admin.user.id)).toEqual([t.site.id, siteB.id].sort());
    const every = await login('a3', 'aud@corp.example', ['everything']);
    if (!('user' in every)) throw new Error(JSON.stringify(every));
    expect(await sitesOf(every.user.id)).toBe('all');
    // At the next login the groups decide again: the sites follow the map.
    const again = await login('a2', 'adm@corp.example', ['shop-admins']);
    if (!('user' in again)) throw new Error(JSON.stringify(again));
    expect(await sitesOf(again.user.id)).toEqual([t.site.id]);
  });

  it('links an existing password account only after an admin allowed it, once', async () => {
    const headers = await t.loginHeaders();
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers,
      payload: { email: 'pat@corp.example', role: 'auditor', password: 'a long enough password' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().user.id as string;
    expect(await login('p1', 'pat@corp.example', ['veil-analysts'])).toEqual({
      refused: 'sso_link_not_allowed',
    });
    expect((await t.app.veil.store.users.findById(id))?.oidcSubject).toBeNull();

    const allowed = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${id}`,
      headers,
      payload: { allowSsoLink: true },
    });
    expect(allowed.statusCode, allowed.body).toBe(200);
    expect(allowed.json().user.ssoLinkAllowed).toBe(true);
    const linked = await login('p1', 'pat@corp.example', ['veil-analysts']);
    if (!('user' in linked)) throw new Error(JSON.stringify(linked));
    expect(linked.user).toMatchObject({ id, oidcSubject: `${ISSUER}#p1`, ssoLinkAllowed: false });
    // Once: another identity with the same email is not linked over it.
    expect(await login('p2', 'pat@corp.example', ['veil-analysts'])).toEqual({ refused: 'sso_failed' });
  });

  it("makes a linked account single sign-on only: its creator's password, TOTP and sessions stop working", async () => {
    // A site-scoped admin creates an account with the email of someone the provider maps wider,
    // keeps its password and a session, and allows the link: after that person's first SSO login
    // the account holds the provider's role and every site, and none of that may reach the admin.
    const { store } = t.app.veil;
    const admin = {
      authorization: `Bearer ${(await createApiToken(store, t.clock, { role: 'admin', name: 'A', siteIds: [t.site.id] })).token}`,
    };
    const password = 'the admin knows this one';
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: admin,
      payload: { email: 'vic@corp.example', role: 'analyst', password, sites: [t.site.siteKey] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().user.id as string;
    const cookie = await t.login('vic@corp.example', password);
    const me = () => t.app.inject({ url: '/api/v1/auth/me', headers: { cookie } });
    expect((await me()).statusCode).toBe(200);
    await store.users.setPendingTotp(id, Buffer.from('sealed by the admin'));
    await store.users.enableTotp(id, t.clock.now(), 1);
    const allowed = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${id}`,
      headers: admin,
      payload: { allowSsoLink: true },
    });
    expect(allowed.statusCode, allowed.body).toBe(200);

    const linked = await login('v1', 'vic@corp.example', ['everything']);
    if (!('user' in linked)) throw new Error(JSON.stringify(linked));
    expect(linked.user.role).toBe('auditor');
    expect(await sitesOf(id)).toBe('all');
    const after = await store.users.findById(id);
    expect(after?.totpEnabledAt).toBeNull();
    expect(after?.passwordHash).toBe(NO_PASSWORD);
    const byPassword = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'vic@corp.example', password },
    });
    expect(byPassword.statusCode, byPassword.body).toBe(401);
    expect((await me()).statusCode).toBe(401);
  });

  it('allows the link from the CLI too (veil users allow-sso-link)', async () => {
    const { store } = t.app.veil;
    await store.users.create({ email: 'cli@corp.example', role: 'analyst', passwordHash: 'x', createdAt: 1 });
    const out: string[] = [];
    const io: CliIo = {
      out: (s) => out.push(s),
      err: (s) => out.push(s),
      env: { VEIL_DATA_DIR: path.join(t.dir, 'data'), VEIL_DEMO: 'false' },
      cwd: t.dir,
    };
    expect(await runCli(['users', 'allow-sso-link', '--help'], io)).toBe(0);
    expect(await runCli(['users', 'allow-sso-link', '--email', 'cli@corp.example'], io)).toBe(0);
    expect((await store.users.findByEmail('cli@corp.example'))?.ssoLinkAllowed).toBe(true);
    expect(await runCli(['users', 'allow-sso-link', '--email', 'nobody@corp.example'], io)).not.toBe(0);
    const linked = await login('c1', 'cli@corp.example', ['veil-analysts']);
    expect('user' in linked).toBe(true);
  });

  it('never re-roles the owner, and the last owner cannot be demoted', async () => {
    const { store } = t.app.veil;
    const owner = await store.users.findByEmail(OWNER_EMAIL);
    if (!owner) throw new Error('no owner');
    await store.users.update(owner.id, { oidcSubject: `${ISSUER}#boss` });
    const signedIn = await login('boss', OWNER_EMAIL, ['veil-analysts']);
    if (!('user' in signedIn)) throw new Error(JSON.stringify(signedIn));
    expect(signedIn.user.role).toBe('owner');
    expect(await sitesOf(owner.id)).toBe('all');
    expect((await store.users.findById(owner.id))?.role).toBe('owner');
    const headers = await t.loginHeaders();
    const demote = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${owner.id}`,
      headers,
      payload: { role: 'admin' },
    });
    expect(demote.statusCode).toBe(409);
    expect((await store.users.findById(owner.id))?.role).toBe('owner');
  });
});
