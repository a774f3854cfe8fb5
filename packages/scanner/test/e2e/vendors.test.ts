import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../../test/support/browser.js';
import type { ScanReport } from '../../src/report/scanReport.js';
import { scanSite } from '../../src/scan/scanSite.js';
import { loadSignatures } from '../../src/signatures/loadSignatures.js';
import { type FixtureServer, startFixtureServer, TEST_SETTLE } from '../support/fixtureServer.js';
import { VENDOR_FIXTURES, vendorPage } from '../support/vendorFixtures.js';

// Every vendor of the signature file on its own fixture page (its real script URL, an inline
// global, a cookie or storage key), pages gated behind a stand-in consent platform, and a
// consent platform whose reject button loads the trackers anyway. One browser for the file; the
// scanner opens a fresh context per page before consent and one per later phase.

const signatures = loadSignatures();
const vendorIds = signatures.vendors.map((v) => v.id);

/** The stand-in consent platform: trackers load only after "Accept all" (or a stored grant). */
function cmpPage(title: string, next: string | null, rejectLoadsTrackers = false): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body>
<div id="cmp"><button id="cmp-accept">Accept all</button><button id="cmp-reject">Reject all</button></div>
${next ? `<a href="${next}">next</a>` : ''}
<script>
function loadTrackers() {
  window.hj = window.hj || function () {};
  document.cookie = '_hjSessionUser_42=1; path=/';
  window.gtag = function () {};
  document.cookie = '_ga=GA1.1.1; path=/';
  window.fbq = function () {};
  for (const src of ['https://static.hotjar.com/c/hotjar-42.js?sv=6', 'https://www.googletagmanager.com/gtag/js?id=G-42', 'https://connect.facebook.net/en_US/fbevents.js']) {
    const s = document.createElement('script'); s.async = true; s.src = src; document.head.appendChild(s);
  }
}
if (localStorage.getItem('cmp-choice') === 'granted') loadTrackers();
document.getElementById('cmp-accept').onclick = function () { localStorage.setItem('cmp-choice', 'granted'); loadTrackers(); };
document.getElementById('cmp-reject').onclick = function () { localStorage.setItem('cmp-choice', 'denied'); ${rejectLoadsTrackers ? 'loadTrackers();' : ''} };
</script></body></html>`;
}

const pages: Record<string, string> = {
  '/vendors/index.html': `<!doctype html><title>All vendors</title>${vendorIds
    .map((id) => `<a href="/vendors/${id}.html">${id}</a>`)
    .join(' ')}`,
  '/gated/index.html': cmpPage('Gated home', '/gated/about.html'),
  '/gated/about.html': cmpPage('Gated about', null),
  '/broken/index.html': cmpPage('Reject loads trackers', null, true),
};
for (const [id, fixture] of Object.entries(VENDOR_FIXTURES))
  pages[`/vendors/${id}.html`] = vendorPage(id, fixture);

let browser: Browser;
let site: FixtureServer;
let vendorsReport: ScanReport;
let gatedReport: ScanReport;
let brokenReport: ScanReport;
let missingButtonReport: ScanReport;

// The four scans are independent (each phase in its own fresh profile): they run at once, and the
// vendor crawl visits 4 pages at a time (the pages mostly sit out their settle time).
beforeAll(async () => {
  site = await startFixtureServer(pages);
  browser = await launchChromium();
  const common = { offline: true, browser, settle: TEST_SETTLE } as const;
  [vendorsReport, gatedReport, brokenReport, missingButtonReport] = await Promise.all([
    scanSite({
      ...common,
      urls: [`${site.origin}/vendors/index.html`],
      crawl: vendorIds.length + 1,
      concurrency: 4,
    }),
    scanSite({
      ...common,
      urls: [`${site.origin}/gated/index.html`],
      crawl: 5,
      acceptSelector: '#cmp-accept',
      rejectSelector: '#cmp-reject',
    }),
    scanSite({ ...common, urls: [`${site.origin}/broken/index.html`], rejectSelector: '#cmp-reject' }),
    scanSite({
      ...common,
      urls: [`${site.origin}/gated/index.html`],
      rejectSelector: '#no-such-button',
      clickTimeoutMs: 500,
    }),
  ]);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

describe('every vendor of the signature file, installed without a consent gate', () => {
  it('has a fixture page for every vendor, and a vendor for every fixture', () => {
    expect(Object.keys(VENDOR_FIXTURES).sort()).toEqual([...vendorIds].sort());
  });

  it('crawled the index and every vendor page breadth-first, before consent only', () => {
    expect(vendorsReport.pages).toHaveLength(vendorIds.length + 1);
    expect(vendorsReport.pages[0]!.url).toBe(`${site.origin}/vendors/index.html`);
    expect(vendorsReport.pages.every((p) => p.phase === 'before_consent' && p.status === 'ok')).toBe(true);
    expect(vendorsReport.detections.filter((d) => d.pageUrl.endsWith('/vendors/index.html'))).toEqual([]);
  });

  it.each(vendorIds)('%s fires before consent and is found with its evidence', (id) => {
    const fixture = VENDOR_FIXTURES[id]!;
    const vendor = signatures.vendors.find((v) => v.id === id)!;
    const findings = vendorsReport.findings.filter((f) => f.vendorId === id);
    expect(findings).toHaveLength(1);
    const finding = findings[0]!;
    expect(finding.phase).toBe('before_consent');
    expect(finding.severity).toBe(vendor.category === 'session_recording' ? 'high' : 'medium');
    expect(finding.pages).toEqual([`${site.origin}/vendors/${id}.html`]);
    expect(finding.rules.map((r) => r.id)).toEqual(['ePrivacy Art. 5(3)', 'GDPR Art. 6(1)(a)']);
    expect(finding.fix).toMatch(/consent/);
    // The script request failed (no internet, offline scan): the attempt counts as firing.
    expect(finding.evidence).toContainEqual(
      expect.objectContaining({ kind: 'request', value: fixture.script, failed: true }),
    );
    if (fixture.global)
      expect(finding.evidence).toContainEqual(
        expect.objectContaining({ kind: 'global', value: fixture.global }),
      );
    if (fixture.cookie)
      expect(finding.evidence).toContainEqual(
        expect.objectContaining({ kind: 'cookie', value: fixture.cookie }),
      );
    if (fixture.localStorage)
      expect(finding.evidence).toContainEqual(
        expect.objectContaining({ kind: 'localStorage', value: fixture.localStorage }),
      );
    if (fixture.sessionStorage)
      expect(finding.evidence).toContainEqual(
        expect.objectContaining({ kind: 'sessionStorage', value: fixture.sessionStorage }),
      );
    // Nothing else on the page is mistaken for another vendor.
    expect(
      vendorsReport.detections.filter((d) => d.pageUrl === finding.pages[0]).map((d) => d.vendorId),
    ).toEqual([id]);
  });
});

describe('trackers gated behind a consent platform', () => {
  it('finds nothing before consent or after reject, on every crawled page', () => {
    const report = gatedReport;
    expect(report.findings).toEqual([]);
    expect(report.summary).toMatchObject({ high: 0, medium: 0, pagesFailed: 0 });
    const visited = (phase: string) =>
      report.pages.filter((p) => p.phase === phase).map((p) => new URL(p.url).pathname);
    for (const phase of ['before_consent', 'after_reject', 'after_accept'])
      expect(visited(phase)).toEqual(['/gated/index.html', '/gated/about.html']);
    expect(report.phases).toEqual([
      { phase: 'after_reject', selector: '#cmp-reject', clickedOn: `${site.origin}/gated/index.html` },
      { phase: 'after_accept', selector: '#cmp-accept', clickedOn: `${site.origin}/gated/index.html` },
    ]);
  });

  it('sees the trackers after accept, on the landing page and the next one (the profile keeps the choice)', () => {
    const report = gatedReport;
    for (const path of ['/gated/index.html', '/gated/about.html']) {
      const seen = report.detections
        .filter((d) => d.phase === 'after_accept' && d.pageUrl === `${site.origin}${path}`)
        .map((d) => d.vendorId)
        .sort();
      expect(seen, path).toEqual(['google-analytics', 'hotjar', 'meta-pixel']);
    }
  });
});

describe('a consent platform whose reject button loads the trackers', () => {
  it('reports them after reject (high for the recorder), not before consent', () => {
    const report = brokenReport;
    expect(report.findings.map((f) => [f.phase, f.vendorId, f.severity])).toEqual([
      ['after_reject', 'hotjar', 'high'],
      ['after_reject', 'google-analytics', 'medium'],
      ['after_reject', 'meta-pixel', 'medium'],
    ]);
    expect(report.findings[0]!.title).toMatch(/after the visitor rejected/);
  });

  it('reports a reject button that is not on the page as a phase that could not run', () => {
    const report = missingButtonReport;
    expect(report.phases).toHaveLength(1);
    expect(report.phases[0]!.error).toMatch(/#no-such-button could not be clicked/);
    const rejected = report.pages.filter((p) => p.phase === 'after_reject');
    expect(rejected.map((p) => p.status)).toEqual(['error']);
    expect(report.summary.pagesFailed).toBe(1);
  });
});
