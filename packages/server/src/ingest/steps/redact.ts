import {
  type CanaryHit,
  canaryDetectors,
  capActivityEvent,
  compileCustomPatterns,
  type Detector,
  maskCanariesInJson,
  maskingFailuresFrom,
  mergeCanaryHits,
  type PrivacyPolicy,
  pagePattern,
  type RecordedEvent,
  redactEvents,
  splitCanaryFindings,
  urlPath,
} from '@veil/core';
import type { AlertService } from '../../alerts/AlertService.js';
import type { Clock } from '../../clock.js';
import type { EnvelopeCipher } from '../../crypto/EnvelopeCipher.js';
import { resumePrivacyState } from '../../privacy/resumePrivacyState.js';
import type { SessionPrivacyStates } from '../../privacy/SessionPrivacyStates.js';
import type { PrivacyAlertRecord } from '../../storage/privacy/PrivacyRepository.js';
import type { Store } from '../../storage/Store.js';
import type { LocatedBatch } from './siteAndOrigin.js';

/** What redaction found in a batch (labels and counts, never values). */
export interface BatchRedaction {
  /** Masking failures recorded for this batch (server redactions the browser should have done). */
  failures: number;
  canaryHits: CanaryHit[];
  /**
   * Whether redaction may have changed the events (the walk wrote into them, a canary was masked):
   * false only when it provably did not (`redactEvents`' `changed`), so `store` may keep the client's bytes.
   */
  changed: boolean;
}

export type RedactedBatch<T extends LocatedBatch = LocatedBatch> = T & { redaction: BatchRedaction };

export interface RedactDeps {
  store: Store;
  clock: Clock;
  /** Opens the session's stored batches when its privacy state must be rebuilt. */
  cipher: EnvelopeCipher;
  sessions: SessionPrivacyStates;
  /** Told of every canary alert the moment it is raised (the server logs it as critical). */
  onAlert?: (alert: PrivacyAlertRecord) => void;
  /** Raises `masking_failure` and `canary` alerts to the site's inbox and sinks. */
  alerts?: AlertService;
}

/** Compiled detectors per site, rebuilt when the policy's patterns or canaries change. */
const compiled = new Map<string, { key: string; detectors: Detector[] }>();
const MAX_COMPILED_SITES = 500;

/** The site's custom-pattern and canary detectors, compiled once per policy change (shared by steps). */
export function detectorsFor(siteId: string, policy: PrivacyPolicy): Detector[] {
  const key = JSON.stringify([policy.customPatterns, policy.canaries]);
  const found = compiled.get(siteId);
  if (found?.key === key) return found.detectors;
  const detectors = [...compileCustomPatterns(policy.customPatterns), ...canaryDetectors(policy.canaries)];
  if (compiled.size >= MAX_COMPILED_SITES) compiled.clear();
  compiled.set(siteId, { key, detectors });
  return detectors;
}

/**
 * The server's redaction layer (the browser can lie, or forget): core's `redactEvents` over
 * the batch in place with the site's custom patterns and canaries, the session's context (node
 * tree for element paths, password inputs, page), then a last check of the serialised events for
 * canary values anywhere. Whatever the server had to mask is a masking failure of the browser
 * layer, stored per page pattern and element path with its label and count; a canary value raises
 * a critical alert at once. Neither ever holds the value.
 */
export async function redact<T extends LocatedBatch>(deps: RedactDeps, input: T): Promise<RedactedBatch<T>> {
  const { site, batch } = input;
  const policy = site.policy;
  const { state } = await resumePrivacyState(deps, batch.sessionId, batch.seq);
  const result = redactEvents(batch.events, {
    inPlace: true,
    detectors: detectorsFor(site.id, policy),
    allowedUrlParams: policy.allowedUrlParams,
    maskAllText: policy.maskAllText,
    context: state.redaction,
  });
  state.lastSeq = Math.max(state.lastSeq ?? -1, batch.seq);
  // The state grew with this batch: the byte bound forgets other sessions if it must.
  deps.sessions.measure(batch.sessionId);
  const { hits, findings } = splitCanaryFindings(result.findings);
  // Error and network texts cut to their caps after redaction (pre-cut by `pageTargeting`).
  let events: RecordedEvent[] = result.events.map(capActivityEvent);
  let canaryHits = hits;
  let changed = result.changed;
  if (policy.canaries.length > 0) {
    // Places the walk does not look (class names, CSS, unknown event fields) are checked too.
    const residual = maskCanariesInJson(JSON.stringify(events), policy.canaries);
    if (residual.hits.length > 0) {
      events = JSON.parse(residual.json) as RecordedEvent[];
      canaryHits = mergeCanaryHits(hits, residual.hits);
      changed = true;
    }
  }
  const now = deps.clock.now();
  // Password values replaced: `password` findings of their own, with page and element.
  const failures = maskingFailuresFrom([...findings, ...result.passwordFindings], policy.heatmapPagePatterns);
  if (failures.length > 0) {
    await deps.store.privacy.recordMaskingFailures(site.id, failures, now);
    for (const f of failures) {
      await deps.alerts?.raiseFor(site, 'masking_failure', {
        subject: `${f.pagePattern}|${f.elementPath ?? ''}|${f.label}|${f.location}`,
        summary: `the server masked ${f.label} in ${f.location} on ${f.pagePattern || 'an unknown page'}`,
        details: {
          pagePattern: f.pagePattern,
          elementPath: f.elementPath,
          label: f.label,
          location: f.location,
          count: f.count,
        },
      });
    }
  }
  if (canaryHits.length > 0) {
    const page = state.redaction.page;
    const pattern = page ? pagePattern(urlPath(page), policy.heatmapPagePatterns) : '';
    for (const hit of canaryHits) {
      const alert = await deps.store.privacy.raiseAlert({
        siteId: site.id,
        kind: 'canary',
        label: hit.label,
        count: hit.count,
        sessionId: batch.sessionId,
        pagePattern: pattern,
        createdAt: now,
      });
      deps.onAlert?.(alert);
      await deps.alerts?.raiseFor(site, 'canary', {
        subject: `${pattern}|${hit.label}`,
        summary: `canary ${hit.label} arrived unmasked on ${pattern || 'an unknown page'}`,
        details: { label: hit.label, count: hit.count, pagePattern: pattern, sessionId: batch.sessionId },
      });
    }
  }
  return {
    ...input,
    batch: { ...batch, events },
    redaction: { failures: failures.reduce((n, f) => n + f.count, 0), canaryHits, changed },
  };
}
