import { DEFAULT_PRIVACY_POLICY, type PrivacyPolicy } from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertService } from '../../src/alerts/AlertService.js';
import { AuditLog } from '../../src/audit/AuditLog.js';
import { auditSigningKeyFromSeed } from '../../src/audit/auditSigningKey.js';
import { ManualClock } from '../../src/clock.js';
import { EnvelopeCipher } from '../../src/crypto/EnvelopeCipher.js';
import { runWithRetentionAlerts } from '../../src/retention/retentionAlerts.js';
import { DAY_MS, PURGE_LOCK_NAME } from '../../src/retention/retentionConstants.js';
import { runRetentionPurge } from '../../src/retention/runRetentionPurge.js';
import type { Store } from '../../src/storage/Store.js';
import type { SiteRecord } from '../../src/storage/sites/SiteRepository.js';
import { type OpenedBackend, storeBackends } from '../support/storeBackends.js';

// A retention exception raises a `retention_exception` alert through the alert service: a site
// whose purge fails (the database refuses the delete), sessions past retention left behind while
// another process holds the purge lock, and a job that fails as a whole. Real engines, real alerts.

const T = Date.UTC(2025, 0, 1);
const cipher = new EnvelopeCipher(Buffer.alloc(32, 4));

const REFUSE = {
  sqlite: (siteId: string) =>
    `CREATE TRIGGER refuse_purge BEFORE DELETE ON recording_sessions WHEN old.site_id = '${siteId}'
     BEGIN SELECT RAISE(ABORT, 'deletes refused by the administrator'); END;`,
  postgres: (siteId: string) =>
    `CREATE FUNCTION refuse_purge() RETURNS trigger AS $$
     BEGIN RAISE EXCEPTION 'deletes refused by the administrator'; END $$ LANGUAGE plpgsql;
     CREATE TRIGGER refuse_purge BEFORE DELETE ON recording_sessions FOR EACH ROW
     WHEN (old.site_id = '${siteId}') EXECUTE FUNCTION refuse_purge();`,
};
const ALLOW = {
  sqlite: 'DROP TRIGGER refuse_purge;',
  postgres: 'DROP TRIGGER refuse_purge ON recording_sessions; DROP FUNCTION refuse_purge();',
};

describe.each(await storeBackends())('Retention exception alerts: $name', (backend) => {
  let opened: OpenedBackend;
  let store: Store;
  let clock: ManualClock;
  let audit: AuditLog;
  let alerts: AlertService;
  let broken: SiteRecord;
  let healthy: SiteRecord;

  async function site(key: string): Promise<SiteRecord> {
    const policy: PrivacyPolicy = { ...DEFAULT_PRIVACY_POLICY, retentionDays: 7 };
    return store.sites.create({
      siteKey: key,
      name: key,
      origins: ['https://shop.example'],
      policy,
      createdAt: T,
    });
  }

  async function record(s: SiteRecord, id: string, receivedAt: number): Promise<void> {
    const outcome = await store.recordings.ingestChunk(
      {
        siteId: s.id,
        sessionId: id,
        visitorId: `v_${id}`,
        seq: 0,
        receivedAt,
        eventCount: 1,
        firstTs: receivedAt,
        lastTs: receivedAt + 5_000,
        pages: [{ url: 'https://shop.example/a', ts: receivedAt, viewportWidth: 1280 }],
      },
      {
        newWrappedDataKey: () => cipher.newWrappedDataKey(id),
        seal: (wrapped) => ({
          payload: cipher.sealChunk(cipher.unwrapDataKey(id, wrapped), id, 0, Buffer.from('[]')),
          titles: [],
        }),
      },
    );
    expect(outcome).toBe('stored');
  }

  const retentionAlerts = async (s: SiteRecord) =>
    store.alerts.list({ siteIds: [s.id], kind: 'retention_exception', limit: 50 });

  const scheduled = () =>
    runWithRetentionAlerts(
      {
        alerts,
        store,
        clock,
        onAlertError: (error) => {
          throw error;
        },
      },
      () => runRetentionPurge({ store, clock, audit }, { trigger: 'schedule' }),
    );

  beforeAll(async () => {
    opened = await backend.open();
    store = opened.store;
    clock = new ManualClock(T);
    audit = new AuditLog({
      store,
      clock,
      signingKey: auditSigningKeyFromSeed(Buffer.alloc(32, 5), 'env', false, []),
    });
    alerts = new AlertService({ store, clock, cipher });
    broken = await site('site_broken_01');
    healthy = await site('site_healthy_1');
    await record(broken, 'sess_broken_old', T);
    await record(healthy, 'sess_healthy_old', T);
  });
  afterAll(async () => {
    await store?.close();
    await opened?.cleanup();
  });

  it('raises one alert for a site whose purge failed, and none for a site purged in full', async () => {
    await opened.exec(REFUSE[backend.name](broken.id));
    clock.set(T + 8 * DAY_MS);
    const run = await scheduled();
    expect(run.sites.find((s) => s.siteKey === broken.siteKey)).toMatchObject({ sessions: 0, overdue: 1 });
    expect(run.sites.find((s) => s.siteKey === broken.siteKey)?.error).toMatch(/refused/);
    expect(await store.recordings.get('sess_healthy_old')).toBeUndefined();

    const raised = await retentionAlerts(broken);
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ severity: 'high', status: 'open' });
    expect(raised[0]?.details).toMatchObject({ reason: 'purge_failed', overdue: 1, retentionDays: 7 });
    expect(await retentionAlerts(healthy)).toEqual([]);

    // The next hourly run fails the same way: the open alert folds, nobody is notified twice.
    clock.advance(60 * 60 * 1000);
    await scheduled();
    const again = await retentionAlerts(broken);
    expect(again).toHaveLength(1);
    expect(again[0]?.occurrences).toBe(2);
  });

  it('raises an alert for sessions left overdue while another process holds the purge lock', async () => {
    await opened.exec(ALLOW[backend.name]);
    await record(healthy, 'sess_healthy_two', T + 8 * DAY_MS);
    clock.set(T + 16 * DAY_MS);
    const held = await store.retention.withLock(PURGE_LOCK_NAME, clock.now(), 60_000, () => scheduled());
    expect(held).toMatchObject({ acquired: true, value: { outcome: 'busy' } });
    const overdue = await retentionAlerts(healthy);
    expect(overdue).toHaveLength(1);
    expect(overdue[0]?.details).toMatchObject({ reason: 'overdue', overdue: 1, retentionDays: 7 });

    // Once purged, no new alert: the check finds nothing overdue.
    const run = await scheduled();
    expect(run.outcome).toBe('completed');
    expect(await store.recordings.get('sess_healthy_two')).toBeUndefined();
    expect(await store.recordings.get('sess_broken_old')).toBeUndefined();
    expect((await retentionAlerts(healthy))[0]?.occurrences).toBe(1);
  });

  it('raises an alert on every site when the job fails as a whole, and rethrows', async () => {
    const failing = runWithRetentionAlerts({ alerts, store, clock, onAlertError: () => undefined }, () =>
      Promise.reject(new Error('connection refused')),
    );
    await expect(failing).rejects.toThrow('connection refused');
    for (const s of [broken, healthy]) {
      const failed = (await retentionAlerts(s)).filter((a) => a.details.reason === 'job_failed');
      expect(failed).toHaveLength(1);
      expect(failed[0]?.details.error).toBe('connection refused');
    }
  });
});
