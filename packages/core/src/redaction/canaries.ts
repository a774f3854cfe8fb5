import type { Detector } from '../detectors/detectors.js';
import type { Canary } from '../policy/privacyPolicy.js';
import type { RedactionFinding } from './redactEvents.js';

/** Findings of canary detectors carry this prefix before the canary's label. */
export const CANARY_LABEL_PREFIX = 'canary:';

/** One canary value that arrived unmasked: its label and how often, never the value. */
export interface CanaryHit {
  label: string;
  count: number;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The canaries as detectors for `redactEvents`: they also catch a value split across text nodes. */
export function canaryDetectors(canaries: readonly Canary[]): Detector[] {
  return canaries.map((c) => ({
    label: `${CANARY_LABEL_PREFIX}${c.label}`,
    candidate: new RegExp(escapeRegExp(c.value), 'g'),
  }));
}

/** Splits `redactEvents` findings into canary hits and ordinary PII findings. */
export function splitCanaryFindings(findings: readonly RedactionFinding[]): {
  hits: CanaryHit[];
  findings: RedactionFinding[];
} {
  const hits = new Map<string, number>();
  const rest: RedactionFinding[] = [];
  for (const f of findings) {
    if (f.label.startsWith(CANARY_LABEL_PREFIX)) {
      const label = f.label.slice(CANARY_LABEL_PREFIX.length);
      hits.set(label, (hits.get(label) ?? 0) + f.count);
    } else {
      rest.push(f);
    }
  }
  return { hits: [...hits].map(([label, count]) => ({ label, count })), findings: rest };
}

/** Adds hit counts of the same label together. */
export function mergeCanaryHits(...lists: ReadonlyArray<readonly CanaryHit[]>): CanaryHit[] {
  const counts = new Map<string, number>();
  for (const list of lists) for (const h of list) counts.set(h.label, (counts.get(h.label) ?? 0) + h.count);
  return [...counts].map(([label, count]) => ({ label, count }));
}

/**
 * Checks a batch as it arrived (its JSON text, before parsing) for every canary value, in plain
 * and in JSON-escaped spelling, anywhere (event fields that redaction does not walk included),
 * and masks each occurrence with `*` of the same length, so the JSON stays valid and the value
 * is never stored. Pure and linear: one `indexOf` scan per canary.
 */
export function maskCanariesInJson(
  json: string,
  canaries: readonly Canary[],
): { json: string; hits: CanaryHit[] } {
  if (canaries.length === 0) return { json, hits: [] };
  let out = json;
  const hits: CanaryHit[] = [];
  for (const canary of canaries) {
    const spellings = new Set([canary.value, JSON.stringify(canary.value).slice(1, -1)]);
    let count = 0;
    for (const spelling of spellings) {
      let from = 0;
      for (let at = out.indexOf(spelling, from); at !== -1; at = out.indexOf(spelling, from)) {
        from = at + spelling.length;
        // Inside an escape sequence (`\n` before "n…"), this is not an occurrence of the value.
        if (escapedAt(out, at)) continue;
        out = out.slice(0, at) + '*'.repeat(spelling.length) + out.slice(from);
        count++;
      }
    }
    if (count > 0) hits.push({ label: canary.label, count });
  }
  return { json: out, hits };
}

/** True when the character at `at` is escaped by an odd run of backslashes before it. */
function escapedAt(text: string, at: number): boolean {
  let n = 0;
  for (let i = at - 1; i >= 0 && text.charCodeAt(i) === 92; i--) n++;
  return n % 2 === 1;
}
