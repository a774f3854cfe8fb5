import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../../test/support/browser.js';
import { systemClock } from '../../../server/src/clock.js';
import { loadConfig, type RunningServer, startServer } from '../../../server/src/index.js';
import { createSite } from '../../../server/src/sites/createSite.js';
import type { ScanReport } from '../../src/report/scanReport.js';
import { scanSite } from '../../src/scan/scanSite.js';
import { type FixtureServer, startFixtureServer, TEST_SETTLE } from '../support/fixtureServer.js';

// Veil scanned by its own scanner: the real server (embedded SQLite, the built loader and
// recorder from packages/recorder/dist), its demo site in consent mode behind the demo's banner
// (must pass), and two mis-installations on a customer page (must be flagged high).

let root: string;
let veil: RunningServer;
let site: FixtureServer;
let siteKey: string;
let browser: Browser;
let demoReport: ScanReport;
let directReport: ScanReport;
let consentOnLoadReport: ScanReport;
let gatedReport: ScanReport;

const snippet = (veilOrigin: string) =>
  `<script>window.veil=window.veil||function(){(veil.q=veil.q||[]).push(arguments)};</script>
<script src="${veilOrigin}/r/v1/loader.js" data-site="${siteKey}" async></script>`;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'veil-scan-e2e-'));
  veil = await startServer(
    loadConfig(
      {
        PORT: '0',
        HOST: '127.0.0.1',
        VEIL_DATA_DIR: join(root, 'data'),
        VEIL_DEMO: 'true',
        VEIL_LOG_LEVEL: 'warn',
      },
      root,
    ),
    { logStream: { write: () => {} }, print: () => {} },
  );
  site = await startFixtureServer({
    // Recorder chunk pasted in directly, as if it were the snippet.
    '/direct.html': () =>
      `<!doctype html><title>direct</title><script src="${veil.url}/r/v1/recorder.js" async></script>`,
    // The snippet, but the page grants consent on load instead of the consent platform doing it.
    '/consent-on-load.html': () =>
      `<!doctype html><title>consent on load</title>${snippet(veil.url)}<script>veil('consent', {analytics: true});</script>`,
    // The snippet with the grant wired to a consent button (what the docs ask for).
    '/gated.html': () =>
      `<!doctype html><title>gated</title>${snippet(veil.url)}
<button id="ok" onclick="veil('consent', {analytics: true})">Accept</button>
<button id="no" onclick="veil('consent', {analytics: false})">Reject</button>`,
  });
  const created = await createSite(veil.store, systemClock, {
    name: 'Customer shop',
    origins: [site.origin],
    samplingPercent: 100,
    lawfulBasis: 'consent',
  });
  siteKey = created.siteKey;
  browser = await launchChromium();
  // The four scans are independent (each phase in its own fresh profile): they run at once.
  const common = { offline: true, browser, settle: TEST_SETTLE } as const;
  [demoReport, directReport, consentOnLoadReport, gatedReport] = await Promise.all([
    scanSite({
      ...common,
      urls: [`${veil.url}/demo/`],
      crawl: 5,
      acceptSelector: '#consent-accept',
      rejectSelector: '#consent-reject',
    }),
    scanSite({ ...common, urls: [`${site.origin}/direct.html`] }),
    scanSite({ ...common, urls: [`${site.origin}/consent-on-load.html`] }),
    scanSite({
      ...common,
      urls: [`${site.origin}/gated.html`],
      acceptSelector: '#ok',
      rejectSelector: '#no',
    }),
  ]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await veil?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

const veilRequests = (report: ScanReport, phase: string) =>
  report.pages
    .filter((p) => p.phase === phase)
    .flatMap((p) => p.requests.map((r) => r.url))
    .filter((u) => u.startsWith(veil.url) && !u.includes('/demo/'))
    .map((u) => new URL(u).pathname);

describe("Veil's demo site in consent mode", () => {
  it('passes: nothing of Veil but the loader before consent and after reject, on every page', () => {
    const report = demoReport;
    expect(report.summary.pagesFailed).toBe(0);
    expect(report.findings).toEqual([]);
    expect(report.pages.filter((p) => p.phase === 'before_consent')).toHaveLength(5);
    for (const phase of ['before_consent', 'after_reject']) {
      const paths = new Set(veilRequests(report, phase));
      expect([...paths], phase).toEqual(['/r/v1/loader.js']);
    }
  });

  it('sees the recorder after accept: the scan can see Veil when it runs', () => {
    const report = demoReport;
    const accepted = report.detections.filter((d) => d.phase === 'after_accept' && d.vendorId === 'veil');
    expect(accepted.length).toBeGreaterThan(0);
    const evidence = accepted.flatMap((d) =>
      d.evidence.map((e) => `${e.kind}:${e.kind === 'request' ? new URL(e.value).pathname : e.value}`),
    );
    expect(evidence).toContain('request:/r/v1/recorder.js');
    expect(evidence).toContain('localStorage:veil:receipt');
  });
});

describe('Veil installed without a consent gate', () => {
  it('flags the recorder chunk loaded directly (high)', () => {
    const report = directReport;
    expect(report.findings.map((f) => [f.vendorId, f.phase, f.severity])).toEqual([
      ['veil', 'before_consent', 'high'],
    ]);
    expect(report.findings[0]!.evidence).toContainEqual(
      expect.objectContaining({ kind: 'request', value: `${veil.url}/r/v1/recorder.js` }),
    );
    expect(report.findings[0]!.fix).toMatch(/never load recorder\.js/);
  });

  it("flags a page that calls veil('consent', {analytics: true}) on load (high, with the receipt and storage)", () => {
    const report = consentOnLoadReport;
    expect(report.findings.map((f) => [f.vendorId, f.phase, f.severity])).toEqual([
      ['veil', 'before_consent', 'high'],
    ]);
    const evidence = report.findings[0]!.evidence.map(
      (e) => `${e.kind}:${e.kind === 'request' ? new URL(e.value).pathname : e.value}`,
    );
    expect(evidence).toContain('request:/r/v1/recorder.js');
    expect(evidence).toContain(`request:/r/v1/sites/${siteKey}/consent`);
    expect(evidence).toContain('localStorage:veil:receipt');
  });

  it('passes the same snippet with the grant on the accept button', () => {
    const report = gatedReport;
    expect(report.findings).toEqual([]);
    expect(report.detections.filter((d) => d.phase === 'after_accept').map((d) => d.vendorId)).toEqual([
      'veil',
    ]);
  });
});
