import { describe, expect, it } from 'vitest';
import { createProgressReporter, renderProgressBar } from '../../src/cli/progressBar.js';
import { buildFindings } from '../../src/report/findings.js';
import { renderHtmlReport } from '../../src/report/renderHtmlReport.js';
import { renderTextSummary } from '../../src/report/renderTextSummary.js';
import { type PageObservation, type ScanReport, scanReportSchema } from '../../src/report/scanReport.js';
import { runPool } from '../../src/scan/runPool.js';
import { sameOriginLinks } from '../../src/scan/sameOriginLinks.js';
import { detectVendors } from '../../src/signatures/detectVendors.js';
import { loadSignatures } from '../../src/signatures/loadSignatures.js';

const HOSTILE = '<script>alert(1)</script>';

function reportWith(pages: PageObservation[]): ScanReport {
  const detections = pages.flatMap((p) => detectVendors(loadSignatures(), p));
  const findings = buildFindings(detections);
  return scanReportSchema.parse({
    format: 'veil.scan.report',
    v: 1,
    scanner: { name: 'veil scan', version: '0.1.0' },
    signatures: { version: '2025.1.0', updated: '2025-06-01', vendors: 3 },
    startedAt: '2025-06-01T10:00:00.000Z',
    finishedAt: '2025-06-01T10:01:00.000Z',
    options: { urls: [`https://shop.example/?q=${HOSTILE}`], crawl: 1, offline: false },
    phases: [{ phase: 'after_reject', selector: `#x${HOSTILE}`, error: `not found ${HOSTILE}` }],
    pages,
    detections,
    findings,
    notes: [HOSTILE],
    summary: { pagesScanned: pages.length, pagesFailed: 0, high: findings.length, medium: 0 },
  });
}

const hostilePage: PageObservation = {
  url: `https://shop.example/?q=${HOSTILE}`,
  phase: 'before_consent',
  status: 'ok',
  title: HOSTILE,
  requests: [
    { url: `https://static.hotjar.com/c/${HOSTILE}.js`, method: 'GET', resourceType: 'script', failed: true },
  ],
  cookies: [
    { name: `_hjid`, domain: 'shop.example', path: '/' },
    { name: HOSTILE, domain: 'shop.example', path: '/' },
  ],
  localStorage: [HOSTILE],
  sessionStorage: [],
  indexedDb: [],
  scripts: [],
  globals: [],
};

describe('HTML report', () => {
  it('escapes every text that came from the scanned site', () => {
    const html = renderHtmlReport(reportWith([hostilePage]));
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('states the verdict, the finding, its evidence, the rules broken and the fix', () => {
    const html = renderHtmlReport(reportWith([hostilePage]));
    expect(html).toContain('Trackers act without consent: 1 high and 0 medium findings');
    expect(html).toContain('Hotjar (session recorder) fires before the visitor consents');
    expect(html).toContain('Request (attempted)');
    expect(html).toContain('ePrivacy Art. 5(3)');
    expect(html).toContain('GDPR Art. 6(1)(a)');
    expect(html).toContain('How to fix:');
  });

  it('says so when nothing was found', () => {
    const clean = renderHtmlReport(
      reportWith([{ ...hostilePage, requests: [], cookies: [], localStorage: [] }]),
    );
    expect(clean).toContain('Findings</h2>\n<p>None.</p>');
  });
});

describe('text summary', () => {
  it('lists findings with their first evidence and the phases that could not run', () => {
    const text = renderTextSummary(reportWith([hostilePage]));
    expect(text).toContain('HIGH   Hotjar (session recorder) fires before the visitor consents');
    expect(text).toContain('cookie: _hjid');
    expect(text).toContain('! After the visitor rejected: not found');
  });
});

describe('progress', () => {
  const step = { phase: 'before_consent' as const, url: 'https://shop.example/a', done: 3, total: 12 };

  it('draws a bar in place on a terminal', () => {
    const out: string[] = [];
    const reporter = createProgressReporter({ isTTY: true, columns: 80, write: (t) => out.push(t) });
    reporter.update(step);
    reporter.finish();
    expect(out[0]).toBe(`\r\x1b[2K${renderProgressBar(step, 79)}`);
    expect(out[0]).toContain('[######..................] 3/12 before consent https://shop.example/a');
    expect(out[1]).toBe('\r\x1b[2K');
  });

  it('writes one plain line per page elsewhere', () => {
    const out: string[] = [];
    const reporter = createProgressReporter({ isTTY: false, write: (t) => out.push(t) });
    reporter.update(step);
    reporter.finish();
    expect(out).toEqual(['scan [3/12] before consent https://shop.example/a\n']);
  });
});

describe('crawl helpers', () => {
  it('keeps same-origin page links without fragments or downloads', () => {
    expect(
      sameOriginLinks('https://shop.example', [
        'https://shop.example/a#top',
        'https://shop.example/a',
        'https://other.example/b',
        'mailto:x@shop.example',
        'https://shop.example/terms.pdf',
        'https://shop.example/c?x=1',
      ]),
    ).toEqual(['https://shop.example/a', 'https://shop.example/c?x=1']);
  });

  it('runs breadth-first with bounded concurrency', async () => {
    const order: string[] = [];
    let running = 0;
    let most = 0;
    await runPool(['a'], 2, async (item, enqueue) => {
      running++;
      most = Math.max(most, running);
      order.push(item);
      await Promise.resolve();
      if (item === 'a') for (const child of ['b', 'c', 'd']) enqueue(child);
      if (item === 'b') enqueue('e');
      running--;
    });
    expect(order).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(most).toBe(2);
  });
});
