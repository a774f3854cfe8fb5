import { DEFAULT_PRIVACY_POLICY, type ScanFindingSummary, type ScanRunSummary } from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/storage/Store.js';
import type { ScanScheduleRecord } from '../../src/storage/scans/ScanRepository.js';
import type { SiteRecord } from '../../src/storage/sites/SiteRepository.js';
import { storeBackends } from '../support/storeBackends.js';

// The scan repository on every engine: schedules upsert, one active run per site whoever queues
// it, a queued run claimed by exactly one of several concurrent claimers (two stores on one
// database, as two processes), results kept, stale runs failed.

const T = Date.UTC(2026, 0, 1);
const backends = await storeBackends();

const SUMMARY: ScanRunSummary = {
  pagesScanned: 2,
  pagesFailed: 0,
  high: 1,
  medium: 0,
  scannerVersion: '0.1.0',
  signaturesVersion: '2026.1',
  phaseErrors: [],
};
const FINDING: ScanFindingSummary = {
  severity: 'high',
  vendorId: 'hotjar',
  vendorName: 'Hotjar',
  category: 'session_recording',
  phase: 'before_consent',
  title: 'Hotjar (session recorder) fires before the visitor consents',
  pages: ['https://shop.example/'],
  pageCount: 1,
  evidence: [{ kind: 'request', value: 'https://static.hotjar.com/c/hotjar-1.js', failed: true }],
  evidenceCount: 1,
  rules: ['ePrivacy Art. 5(3)'],
  fix: 'Load it after consent.',
};

describe.each(backends)('Scan store: $name', (backend) => {
  let store: Store;
  let second: Store;
  let cleanup: () => Promise<void>;
  let a: SiteRecord;
  let b: SiteRecord;

  beforeAll(async () => {
    const opened = await backend.open();
    store = opened.store;
    cleanup = opened.cleanup;
    second = await opened.reopen();
    const site = (key: string) =>
      store.sites.create({
        siteKey: key,
        name: key,
        origins: ['https://shop.example'],
        policy: DEFAULT_PRIVACY_POLICY,
        createdAt: T,
      });
    a = await site('site_scan_a_001');
    b = await site('site_scan_b_001');
  });
  afterAll(async () => {
    await second?.close();
    await store?.close();
    await cleanup?.();
  });

  it('stores a schedule and replaces it; lists enabled schedules only', async () => {
    const schedule: ScanScheduleRecord = {
      siteId: a.id,
      enabled: true,
      intervalHours: 24,
      paths: ['/', '/pricing'],
      crawl: 3,
      acceptSelector: '#accept',
      rejectSelector: null,
      updatedAt: T,
      updatedBy: 'dpo@shop.example',
    };
    expect(await store.siteScans.getSchedule(a.id)).toBeUndefined();
    await store.siteScans.putSchedule(schedule);
    expect(await store.siteScans.getSchedule(a.id)).toEqual(schedule);
    await store.siteScans.putSchedule({
      ...schedule,
      intervalHours: 6,
      rejectSelector: '#reject',
      updatedAt: T + 1,
    });
    expect(await second.siteScans.getSchedule(a.id)).toMatchObject({
      intervalHours: 6,
      rejectSelector: '#reject',
    });
    await store.siteScans.putSchedule({ ...schedule, siteId: b.id, enabled: false });
    expect((await store.siteScans.listEnabledSchedules()).map((s) => s.siteId)).toEqual([a.id]);
  });

  it('keeps one active run per site, claims each queued run once, stores the result', async () => {
    const run = (id: string, siteId: string, at: number) => ({
      id,
      siteId,
      trigger: 'manual' as const,
      requestedBy: 'dpo@shop.example',
      queuedAt: at,
      urls: ['https://shop.example/'],
    });
    const queued = await store.siteScans.enqueueRun(run('scan_a_1', a.id, T + 10));
    expect(queued).toMatchObject({ status: 'queued', startedAt: null, findings: [], summary: null });
    expect(await second.siteScans.enqueueRun(run('scan_a_2', a.id, T + 11))).toBe('busy');
    expect(await store.siteScans.enqueueRun(run('scan_b_1', b.id, T + 12))).not.toBe('busy');

    // Two processes claim at once: each run goes to exactly one of them.
    const claims = await Promise.all([
      store.siteScans.claimQueuedRun(T + 20),
      second.siteScans.claimQueuedRun(T + 20),
      store.siteScans.claimQueuedRun(T + 20),
      second.siteScans.claimQueuedRun(T + 20),
    ]);
    const claimed = claims.flatMap((c) => (c ? [c.id] : [])).sort();
    expect(claimed).toEqual(['scan_a_1', 'scan_b_1']);
    expect(await store.siteScans.claimQueuedRun(T + 21)).toBeUndefined();
    // Still active while running.
    expect(await store.siteScans.enqueueRun(run('scan_a_3', a.id, T + 22))).toBe('busy');

    expect(
      await store.siteScans.finishRun(
        'scan_a_1',
        { status: 'completed', summary: SUMMARY, findings: [FINDING] },
        T + 30,
      ),
    ).toBe(true);
    expect(await second.siteScans.finishRun('scan_a_1', { status: 'failed', error: 'late' }, T + 31)).toBe(
      false,
    );
    expect(await second.siteScans.getRun('scan_a_1')).toMatchObject({
      status: 'completed',
      startedAt: T + 20,
      finishedAt: T + 30,
      summary: SUMMARY,
      findings: [FINDING],
      error: null,
    });
    // Finished: the site may queue again; the list is newest first.
    expect(await store.siteScans.enqueueRun(run('scan_a_4', a.id, T + 40))).not.toBe('busy');
    expect((await store.siteScans.listRuns(a.id, 10)).map((r) => r.id)).toEqual(['scan_a_4', 'scan_a_1']);
    expect((await store.siteScans.latestRun(a.id))?.id).toBe('scan_a_4');
  });

  it('fails runs whose process died, freeing the site', async () => {
    // scan_b_1 has been running since T + 20.
    expect(await store.siteScans.failStaleRuns(T + 20, T + 50)).toBe(0);
    expect(await store.siteScans.failStaleRuns(T + 21, T + 50)).toBe(1);
    expect(await store.siteScans.getRun('scan_b_1')).toMatchObject({ status: 'failed', finishedAt: T + 50 });
    expect((await store.siteScans.getRun('scan_b_1'))?.error).toContain('stopped');
    expect(
      await store.siteScans.enqueueRun({
        id: 'scan_b_2',
        siteId: b.id,
        trigger: 'schedule',
        requestedBy: null,
        queuedAt: T + 60,
        urls: ['https://shop.example/'],
      }),
    ).not.toBe('busy');
  });
});
