import { AUDIT_GENESIS_HASH, DEFAULT_PRIVACY_POLICY, sealAuditEntry } from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeSha256 } from '../../src/audit/AuditLog.js';
import type { Store } from '../../src/storage/Store.js';
import type { SiteRecord } from '../../src/storage/sites/SiteRepository.js';
import { storeBackends } from '../support/storeBackends.js';

/** Access control and audit parts of the Store, on SQLite and on PostgreSQL alike. */
const T = Date.UTC(2025, 0, 1);

function body(i: number) {
  return {
    at: T + i,
    actor: { type: 'user' as const, id: `u${i % 2}`, label: i % 2 ? 'Ada@example.test' : 'bob@example.test' },
    action: (i % 2 ? 'replay.viewed' : 'auth.login_succeeded') as 'replay.viewed' | 'auth.login_succeeded',
    siteKey: i % 2 ? 'site_a' : null,
    target: i % 2 ? { type: 'session', id: `s${i}` } : null,
    details: { purpose: `Ticket 50%_${i}`, nested: { list: [1, 'x', null, true] } },
  };
}

describe.each(await storeBackends())('Access store conformance: $name', (backend) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let exec: (text: string) => Promise<void>;
  let site: SiteRecord;
  let other: SiteRecord;

  beforeAll(async () => {
    ({ store, cleanup, exec } = await backend.open());
    site = await store.sites.create({
      siteKey: 'access_site_a',
      name: 'A',
      origins: ['https://a.example'],
      policy: DEFAULT_PRIVACY_POLICY,
      createdAt: T,
    });
    other = await store.sites.create({
      siteKey: 'access_site_b',
      name: 'B',
      origins: ['https://b.example'],
      policy: DEFAULT_PRIVACY_POLICY,
      createdAt: T,
    });
  });
  afterAll(async () => {
    await store?.close();
    await cleanup?.();
  });

  it('appends audit entries in order, under concurrency, with checkpoints and the head', async () => {
    expect(await store.audit.head()).toEqual({ seq: 0, hash: AUDIT_GENESIS_HASH });
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        store.audit.append((head) => {
          const entry = sealAuditEntry(head.seq === 0 ? undefined : head, body(i), nodeSha256);
          const checkpoint =
            entry.seq % 5 === 0
              ? { seq: entry.seq, hash: entry.hash, at: T, keyId: 'k', signature: 'sig' }
              : undefined;
          return { entry, checkpoint };
        }),
      ),
    );
    const all = [];
    for await (const entry of store.audit.scan(1, Number.MAX_SAFE_INTEGER, 5)) all.push(entry);
    expect(all.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    for (let i = 1; i < all.length; i++) expect(all[i]?.prevHash).toBe(all[i - 1]?.hash);
    expect(all[0]?.details).toEqual({
      purpose: expect.stringMatching(/^Ticket 50%_/),
      nested: { list: [1, 'x', null, true] },
    });
    expect(await store.audit.head()).toEqual({ seq: 12, hash: all[11]?.hash });
    expect((await store.audit.checkpoints()).map((c) => c.seq)).toEqual([5, 10]);
    await store.audit.addCheckpoint({
      seq: 12,
      hash: all[11]?.hash ?? '',
      at: T,
      keyId: 'k',
      signature: 's',
    });
    await store.audit.addCheckpoint({ seq: 12, hash: 'other', at: T, keyId: 'k', signature: 's' });
    expect((await store.audit.checkpoints()).map((c) => [c.seq, c.hash])).toEqual([
      [5, all[4]?.hash],
      [10, all[9]?.hash],
      [12, all[11]?.hash],
    ]);
  });

  it('searches the audit log with filters, text (LIKE characters literal) and pagination', async () => {
    const q = { order: 'desc' as const, limit: 100 };
    expect(
      (await store.audit.query({ ...q, actions: ['replay.viewed'] })).every(
        (e) => e.action === 'replay.viewed',
      ),
    ).toBe(true);
    expect((await store.audit.query({ ...q, actorId: 'u1' })).map((e) => e.actor.id)).not.toContain('u0');
    expect(
      (await store.audit.query({ ...q, text: 'ada@' })).every((e) => e.actor.label === 'Ada@example.test'),
    ).toBe(true);
    expect(await store.audit.query({ ...q, text: '50%_3' })).toHaveLength(1);
    expect(await store.audit.query({ ...q, text: '50%x' })).toHaveLength(0);
    expect(
      (await store.audit.query({ ...q, siteKey: 'site_a', from: T + 3, to: T + 7 })).length,
    ).toBeGreaterThan(0);
    const page = await store.audit.query({ order: 'desc', limit: 3, beforeSeq: 10 });
    expect(page.map((e) => e.seq)).toEqual([9, 8, 7]);
    expect((await store.audit.query({ order: 'asc', limit: 2, afterSeq: 10 })).map((e) => e.seq)).toEqual([
      11, 12,
    ]);
  });

  it('refuses to change or remove audit entries and checkpoints', async () => {
    await expect(exec(`update audit_log set action = 'x' where seq = 1`)).rejects.toThrow(/append-only/);
    await expect(exec('delete from audit_log where seq = 2')).rejects.toThrow(/append-only/);
    await expect(exec('delete from audit_checkpoints')).rejects.toThrow(/append-only/);
    if (backend.name === 'postgres') await expect(exec('truncate audit_log')).rejects.toThrow(/append-only/);
    expect((await store.audit.head()).seq).toBe(12);
  });

  it('locks users after repeated failures and consumes each TOTP step once', async () => {
    const user = await store.users.create({
      email: 'lock@example.test',
      role: 'replay_viewer',
      passwordHash: '$argon2id$x',
      createdAt: T,
      siteIds: [site.id],
    });
    expect(user).toMatchObject({ allSites: false, failedLogins: 0, lockedUntil: null, totpEnabledAt: null });
    expect(await store.users.siteIds(user?.id ?? '')).toEqual([site.id]);
    const id = user?.id ?? '';
    for (let i = 1; i < 3; i++)
      expect(await store.users.recordLoginFailure(id, T, 3, 1000)).toEqual({
        failedLogins: i,
        lockedUntil: null,
      });
    expect(await store.users.recordLoginFailure(id, T, 3, 1000)).toEqual({
      failedLogins: 3,
      lockedUntil: T + 1000,
    });
    expect(await store.users.findById(id)).toMatchObject({ failedLogins: 0, lockedUntil: T + 1000 });
    await store.users.recordLoginSuccess(id);
    expect(await store.users.findById(id)).toMatchObject({ failedLogins: 0, lockedUntil: null });

    await store.users.setPendingTotp(id, Buffer.from('sealed'));
    await store.users.enableTotp(id, T, 100);
    const results = await Promise.all([store.users.useTotpStep(id, 101), store.users.useTotpStep(id, 101)]);
    expect(results.sort()).toEqual([false, true]);
    expect(await store.users.useTotpStep(id, 100)).toBe(false);
    expect(await store.users.findById(id)).toMatchObject({ totpLastStep: 101, totpEnabledAt: T });
    expect((await store.users.findById(id))?.totpSecretSealed?.toString()).toBe('sealed');
    await store.users.resetTotp(id);
    expect(await store.users.findById(id)).toMatchObject({ totpSecretSealed: null, totpEnabledAt: null });

    const updated = await store.users.update(id, { role: 'analyst', siteIds: null, oidcSubject: 'iss#sub' });
    expect(updated).toMatchObject({ role: 'analyst', allSites: true, oidcSubject: 'iss#sub' });
    expect(await store.users.siteIds(id)).toEqual([]);
    expect((await store.users.findByOidcSubject('iss#sub'))?.id).toBe(id);
    expect(await store.users.countByRole('analyst')).toBeGreaterThanOrEqual(1);
  });

  it('ends every session of a user and records second factors', async () => {
    const user = await store.users.create({
      email: 'sess@example.test',
      role: 'analyst',
      passwordHash: 'x',
      createdAt: T,
    });
    const id = user?.id ?? '';
    const a = await store.authSessions.create({
      tokenHash: 'ha',
      userId: id,
      createdAt: T,
      expiresAt: T + 10,
      method: 'oidc',
    });
    await store.authSessions.create({ tokenHash: 'hb', userId: id, createdAt: T, expiresAt: T + 10 });
    await store.authSessions.markSecondFactor(a.id, T + 1);
    expect((await store.authSessions.findByTokenHash('ha'))?.session).toMatchObject({
      secondFactorAt: T + 1,
      method: 'oidc',
    });
    expect((await store.authSessions.findByTokenHash('hb'))?.session).toMatchObject({
      secondFactorAt: null,
      method: 'password',
    });
    expect(await store.authSessions.deleteAllForUser(id)).toBe(2);
    expect(await store.authSessions.findByTokenHash('ha')).toBeUndefined();
  });

  it('scopes, expires, lists and revokes API tokens', async () => {
    const token = await store.apiTokens.create({
      name: 'scoped',
      tokenHash: 'scoped-hash',
      role: 'analyst',
      createdBy: null,
      createdAt: T,
      expiresAt: T + 5,
      siteIds: [other.id],
    });
    expect(token).toMatchObject({ allSites: false, expiresAt: T + 5 });
    expect(await store.apiTokens.siteIds(token.id)).toEqual([other.id]);
    expect((await store.apiTokens.list()).map((t) => t.id)).toContain(token.id);
    expect(await store.apiTokens.revoke(token.id, T + 1)).toBe(true);
    expect(await store.apiTokens.revoke(token.id, T + 2)).toBe(false);
    expect(await store.apiTokens.findActiveByHash('scoped-hash')).toBeUndefined();
    expect((await store.apiTokens.findById(token.id))?.revokedAt).toBe(T + 1);
  });

  it('keeps replay grants, counts them per holder and site, and finds the live one', async () => {
    const holder = { userId: 'user-1', apiTokenId: null };
    for (let i = 0; i < 3; i++) {
      await store.replayGrants.create({
        ...holder,
        actorLabel: 'u@example.test',
        sessionId: `session-${i}`,
        siteId: site.id,
        purpose: `p${i}`,
        ticket: i === 0 ? 'T-1' : null,
        createdAt: T + i * 1000,
        expiresAt: T + i * 1000 + 500,
      });
    }
    expect(await store.replayGrants.countSince(site.id, holder, T + 1000)).toBe(2);
    expect(await store.replayGrants.countSince(site.id, { userId: null, apiTokenId: 'tok' }, T)).toBe(0);
    expect((await store.replayGrants.findActive('session-1', holder, T + 1200))?.purpose).toBe('p1');
    expect(await store.replayGrants.findActive('session-1', holder, T + 1600)).toBeUndefined();
    expect(
      await store.replayGrants.findActive('session-1', { userId: 'user-2', apiTokenId: null }, T + 1200),
    ).toBeUndefined();
    const listed = await store.replayGrants.list({ userId: 'user-1', limit: 10 });
    expect(listed.map((g) => g.sessionId)).toEqual(['session-2', 'session-1', 'session-0']);
    expect(listed[2]?.ticket).toBe('T-1');
  });

  it('totals every matching grant per holder, whatever a list would return, under the same filters', async () => {
    const grant = (
      holder: { userId: string | null; apiTokenId: string | null },
      label: string,
      at: number,
      siteId: string | null,
    ) =>
      store.replayGrants.create({
        ...holder,
        actorLabel: label,
        sessionId: `totals-${label}-${at}`,
        siteId,
        purpose: 'totals',
        ticket: null,
        createdAt: at,
        expiresAt: at + 500,
      });
    const t0 = T + 100_000;
    const ann = { userId: 'user-ann', apiTokenId: null };
    const tok = { userId: null, apiTokenId: 'token-ci' };
    // Ann was renamed between her grants: the total carries the label of her newest one.
    for (let i = 0; i < 4; i++)
      await grant(ann, i < 3 ? 'ann@old.test' : 'ann@new.test', t0 + i * 10, site.id);
    for (let i = 0; i < 2; i++) await grant(tok, 'CI token', t0 + 5 + i * 10, site.id);
    await grant(ann, 'ann@new.test', t0 + 1000, null);

    const since = { from: t0 };
    expect(await store.replayGrants.list({ ...since, limit: 2 })).toHaveLength(2);
    expect(await store.replayGrants.totals(since)).toEqual([
      { userId: 'user-ann', apiTokenId: null, actorLabel: 'ann@new.test', count: 5 },
      { userId: null, apiTokenId: 'token-ci', actorLabel: 'CI token', count: 2 },
    ]);
    // The filters narrow the totals as they narrow the list: site, holder and time.
    expect(await store.replayGrants.totals({ ...since, siteId: site.id, to: t0 + 20 })).toEqual([
      { userId: 'user-ann', apiTokenId: null, actorLabel: 'ann@old.test', count: 3 },
      { userId: null, apiTokenId: 'token-ci', actorLabel: 'CI token', count: 2 },
    ]);
    expect(await store.replayGrants.totals({ ...since, apiTokenId: 'token-ci' })).toEqual([
      { userId: null, apiTokenId: 'token-ci', actorLabel: 'CI token', count: 2 },
    ]);
    expect(await store.replayGrants.totals({ from: t0 + 5000 })).toEqual([]);
  });

  it('raises an access alert once per key and acknowledges it once', async () => {
    const alert = {
      kind: 'raw_replay_rate' as const,
      dedupeKey: 'k1',
      siteId: site.id,
      siteKey: site.siteKey,
      userId: 'user-1',
      apiTokenId: null,
      actorLabel: 'u@example.test',
      count: 21,
      threshold: 20,
      windowStart: T,
      createdAt: T,
      acknowledgedAt: null,
      acknowledgedBy: null,
      note: null,
    };
    const raised = await store.accessAlerts.raise(alert);
    expect(raised).toBeDefined();
    expect(await store.accessAlerts.raise({ ...alert, count: 22 })).toBeUndefined();
    expect(await store.accessAlerts.list({ unacknowledgedOnly: true, limit: 10 })).toHaveLength(1);
    expect(await store.accessAlerts.acknowledge(raised?.id ?? '', 'dpo@example.test', T + 1, 'ok')).toBe(
      true,
    );
    expect(await store.accessAlerts.acknowledge(raised?.id ?? '', 'dpo@example.test', T + 2, 'again')).toBe(
      false,
    );
    expect(await store.accessAlerts.list({ unacknowledgedOnly: true, limit: 10 })).toHaveLength(0);
    expect(await store.accessAlerts.findById(raised?.id ?? '')).toMatchObject({
      note: 'ok',
      acknowledgedBy: 'dpo@example.test',
    });
  });

  it("lists one set of sites' alerts before the limit, never one of no site", async () => {
    const raise = (n: number, of: SiteRecord | null, createdAt: number) =>
      store.accessAlerts.raise({
        kind: 'raw_replay_rate',
        dedupeKey: `sites-${n}`,
        siteId: of?.id ?? null,
        siteKey: of?.siteKey ?? null,
        userId: `user-${n}`,
        apiTokenId: null,
        actorLabel: `u${n}@example.test`,
        count: 21,
        threshold: 20,
        windowStart: createdAt,
        createdAt,
        acknowledgedAt: null,
        acknowledgedBy: null,
        note: null,
      });
    // Site A's alert is the oldest; three newer ones of site B and one of no site come after it.
    const mine = await raise(1, site, T + 10_000);
    for (let i = 2; i <= 4; i++) await raise(i, other, T + 10_000 + i);
    await raise(5, null, T + 10_010);
    const ofA = await store.accessAlerts.list({ unacknowledgedOnly: true, limit: 2, siteIds: [site.id] });
    expect(ofA.map((a) => a.id)).toEqual([mine?.id]);
    const ofB = await store.accessAlerts.list({ unacknowledgedOnly: false, limit: 2, siteIds: [other.id] });
    expect(ofB.map((a) => a.userId)).toEqual(['user-4', 'user-3']);
    const both = await store.accessAlerts.list({
      unacknowledgedOnly: true,
      limit: 10,
      siteIds: [site.id, other.id],
    });
    expect(both.map((a) => a.userId)).toEqual(['user-4', 'user-3', 'user-2', 'user-1']);
    expect(await store.accessAlerts.list({ unacknowledgedOnly: false, limit: 10, siteIds: [] })).toEqual([]);
    const all = await store.accessAlerts.list({ unacknowledgedOnly: true, limit: 10 });
    expect(all.map((a) => a.userId)).toContain('user-5');
  });

  it('keeps site raw replay limits and one-time OIDC login states', async () => {
    expect(await store.accessLimits.rawReplaysPerHour(site.id)).toBe(20);
    await store.accessLimits.setRawReplaysPerHour(site.id, 3);
    expect(await store.accessLimits.rawReplaysPerHour(site.id)).toBe(3);
    expect(await store.accessLimits.rawReplaysPerHour('missing')).toBeUndefined();

    await store.oidcLogins.put({ stateHash: 's1', nonce: 'n', codeVerifier: 'v', createdAt: T });
    await store.oidcLogins.put({ stateHash: 's2', nonce: 'n', codeVerifier: 'v', createdAt: T - 10 });
    const taken = await Promise.all([store.oidcLogins.take('s1'), store.oidcLogins.take('s1')]);
    expect(taken.filter(Boolean)).toEqual([{ nonce: 'n', codeVerifier: 'v', createdAt: T }]);
    expect(await store.oidcLogins.deleteOlderThan(T)).toBe(1);
    expect(await store.oidcLogins.take('s2')).toBeUndefined();
  });
});
