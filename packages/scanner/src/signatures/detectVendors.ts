import type { Detection, Evidence, PageObservation } from '../report/scanReport.js';
import { nameMatches, pathMatches, urlMatchesHostPattern } from './patterns.js';
import type { SignatureFile, VendorSignature } from './signatureSchema.js';

function parseHttpUrl(url: string): URL | null {
  if (!/^https?:/i.test(url)) return null;
  try {
    return new URL(url);
  } catch {
    // Not a URL a request could have gone to: nothing to match (it cannot be a vendor's request).
    return null;
  }
}

function requestMatches(vendor: Pick<VendorSignature, 'hosts' | 'paths'>, url: URL): boolean {
  return (
    vendor.hosts.some((p) => urlMatchesHostPattern(url, p)) ||
    vendor.paths.some((p) => pathMatches(url.pathname, p))
  );
}

/** Every piece of evidence of `vendor` in one page's observation (names and URLs, never values). */
export function vendorEvidence(vendor: VendorSignature, page: PageObservation): Evidence[] {
  const exempt = page.phase === 'after_reject' ? vendor.exemptAfterReject : undefined;
  const evidence: Evidence[] = [];
  const seen = new Set<string>();
  const add = (item: Evidence) => {
    const key = `${item.kind}\u0000${item.value}`;
    if (seen.has(key)) return;
    seen.add(key);
    evidence.push(item);
  };
  const pageUrl = page.url;
  for (const request of page.requests) {
    const url = parseHttpUrl(request.url);
    if (!url || !requestMatches(vendor, url)) continue;
    if (exempt && requestMatches(exempt, url)) continue;
    add({ kind: 'request', value: request.url, pageUrl, failed: request.failed });
  }
  for (const cookie of page.cookies) {
    if (!vendor.cookies.some((p) => nameMatches(cookie.name, p))) continue;
    if (exempt?.cookies.some((p) => nameMatches(cookie.name, p))) continue;
    add({ kind: 'cookie', value: cookie.name, pageUrl });
  }
  for (const kind of ['localStorage', 'sessionStorage'] as const) {
    for (const key of page[kind]) {
      if (!vendor.storage.some((p) => nameMatches(key, p))) continue;
      if (exempt?.storage.some((p) => nameMatches(key, p))) continue;
      add({ kind, value: key, pageUrl });
    }
  }
  for (const name of page.indexedDb) {
    if (vendor.indexedDb.some((p) => nameMatches(name, p))) add({ kind: 'indexedDb', value: name, pageUrl });
  }
  for (const name of page.globals) {
    if (vendor.globals.includes(name)) add({ kind: 'global', value: name, pageUrl });
  }
  return evidence;
}

/** The vendors seen on a scanned page (pages that could not be scanned show none). */
export function detectVendors(signatures: SignatureFile, page: PageObservation): Detection[] {
  if (page.status !== 'ok') return [];
  const detections: Detection[] = [];
  for (const vendor of signatures.vendors) {
    const evidence = vendorEvidence(vendor, page);
    if (evidence.length === 0) continue;
    detections.push({
      vendorId: vendor.id,
      vendorName: vendor.name,
      category: vendor.category,
      phase: page.phase,
      pageUrl: page.url,
      evidence,
    });
  }
  return detections;
}

/** Every global name the signatures know (what a page is asked about). */
export function knownGlobals(signatures: SignatureFile): string[] {
  return [...new Set(signatures.vendors.flatMap((v) => v.globals))].sort();
}
