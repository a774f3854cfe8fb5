import { describe, expect, it } from 'vitest';
import { buildFindings, failsAt, MAX_EVIDENCE_PER_FINDING } from '../../src/report/findings.js';
import type { PageObservation, ScanPhase } from '../../src/report/scanReport.js';
import { detectVendors } from '../../src/signatures/detectVendors.js';
import { loadSignatures } from '../../src/signatures/loadSignatures.js';

const signatures = loadSignatures();

function page(phase: ScanPhase, over: Partial<PageObservation> = {}): PageObservation {
  return {
    url: 'https://shop.example/',
    phase,
    status: 'ok',
    requests: [],
    cookies: [],
    localStorage: [],
    sessionStorage: [],
    indexedDb: [],
    scripts: [],
    globals: [],
    ...over,
  };
}
const req = (url: string, failed = false) => ({ url, method: 'GET', resourceType: 'script', failed });

describe('detections and findings', () => {
  it('rates a recorder high and an analytics tag medium, before consent and after reject', () => {
    const pages = (['before_consent', 'after_reject'] as const).map((phase) =>
      page(phase, {
        requests: [
          req('https://static.hotjar.com/c/hotjar-1.js', true),
          req('https://www.google-analytics.com/g/collect'),
        ],
      }),
    );
    const findings = buildFindings(pages.flatMap((p) => detectVendors(signatures, p)));
    expect(findings.map((f) => [f.phase, f.vendorId, f.severity])).toEqual([
      ['before_consent', 'hotjar', 'high'],
      ['after_reject', 'hotjar', 'high'],
      ['before_consent', 'google-analytics', 'medium'],
      ['after_reject', 'google-analytics', 'medium'],
    ]);
    expect(findings[0]!.evidence[0]).toEqual({
      kind: 'request',
      value: 'https://static.hotjar.com/c/hotjar-1.js',
      pageUrl: 'https://shop.example/',
      failed: true,
    });
  });

  it('reports nothing seen after accept as a finding, though it is detected', () => {
    const detections = detectVendors(
      signatures,
      page('after_accept', {
        globals: ['hj'],
        cookies: [{ name: '_ga', domain: 'shop.example', path: '/' }],
      }),
    );
    expect(detections.map((d) => d.vendorId).sort()).toEqual(['google-analytics', 'hotjar']);
    expect(buildFindings(detections)).toEqual([]);
  });

  it("lets Veil's loader through and flags its recorder, receipts and session storage before consent", () => {
    const loaderOnly = page('before_consent', {
      requests: [req('https://veil.example/r/v1/loader.js')],
      globals: [],
    });
    expect(detectVendors(signatures, loaderOnly)).toEqual([]);
    const misinstalled = page('before_consent', {
      requests: [req('https://veil.example/r/v1/sites/site_abc12345/consent')],
      sessionStorage: ['veil:session'],
      localStorage: ['veil:optout'],
    });
    const [veil] = detectVendors(signatures, misinstalled);
    expect(veil!.evidence.map((e) => e.value)).toEqual([
      'https://veil.example/r/v1/sites/site_abc12345/consent',
      'veil:session',
    ]);
  });

  it('accepts Veil registering a refusal after reject, but not its recorder', () => {
    const rejected = page('after_reject', {
      requests: [
        req('https://veil.example/r/v1/sites/site_abc12345/consent'),
        req('https://veil.example/r/v1/recorder.js'),
      ],
    });
    const [veil] = detectVendors(signatures, rejected);
    expect(veil!.evidence.map((e) => e.value)).toEqual(['https://veil.example/r/v1/recorder.js']);
    const refusalOnly = page('after_reject', {
      requests: [req('https://veil.example/r/v1/sites/site_abc12345/consent')],
    });
    expect(detectVendors(signatures, refusalOnly)).toEqual([]);
  });

  it('shows nothing for a page that could not be scanned', () => {
    expect(detectVendors(signatures, page('before_consent', { status: 'error', globals: ['hj'] }))).toEqual(
      [],
    );
  });

  it('merges pages into one finding per vendor and phase, capping the evidence list', () => {
    const pages = Array.from({ length: MAX_EVIDENCE_PER_FINDING + 5 }, (_, i) =>
      page('before_consent', { url: `https://shop.example/p${i}`, globals: ['clarity'] }),
    );
    const [finding] = buildFindings(pages.flatMap((p) => detectVendors(signatures, p)));
    expect(finding!.pages).toHaveLength(MAX_EVIDENCE_PER_FINDING + 5);
    expect(finding!.evidence).toHaveLength(MAX_EVIDENCE_PER_FINDING);
    expect(finding!.moreEvidence).toBe(5);
  });

  it('fails at high only for high findings, at medium for both', () => {
    expect(failsAt([{ severity: 'medium' }], 'high')).toBe(false);
    expect(failsAt([{ severity: 'medium' }], 'medium')).toBe(true);
    expect(failsAt([{ severity: 'high' }], 'high')).toBe(true);
    expect(failsAt([], 'medium')).toBe(false);
  });
});
