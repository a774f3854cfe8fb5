import { performance } from 'node:perf_hooks';
import type { IngestAck } from '@veil/core';
import type { AlertService } from '../alerts/AlertService.js';
import type { Clock } from '../clock.js';
import type { EnvelopeCipher } from '../crypto/EnvelopeCipher.js';
import { InventoryTracker } from '../inventory/InventoryTracker.js';
import { createRegionLookup, type RegionLookup } from '../privacy/RegionLookup.js';
import { SessionPrivacyStates } from '../privacy/SessionPrivacyStates.js';
import type { PrivacyAlertRecord } from '../storage/privacy/PrivacyRepository.js';
import type { Store } from '../storage/Store.js';
import type { SiteRecord } from '../storage/sites/SiteRepository.js';
import type { SubjectHasher } from '../subjects/SubjectHasher.js';
import { type Drop, isDrop } from './Drop.js';
import type { IngestService } from './IngestService.js';
import { type IngestWrites, localWrites } from './IngestWrites.js';
import { IngestMetrics, type IngestStepName } from './pipelineMetrics.js';
import { aggregateHeatmaps } from './steps/aggregate.js';
import { consent } from './steps/consent.js';
import { errorWindow } from './steps/errorWindow.js';
import { identify, linkSubject } from './steps/identify.js';
import { inventory } from './steps/inventory.js';
import { ipPolicy } from './steps/ipPolicy.js';
import { pageTargeting } from './steps/pageTargeting.js';
import { redact } from './steps/redact.js';
import { region } from './steps/region.js';
import { sampling } from './steps/sampling.js';
import { sanitizeUrls } from './steps/sanitizeUrls.js';
import { countSignals } from './steps/signals.js';
import { siteAndOrigin } from './steps/siteAndOrigin.js';
import { storeBatch } from './steps/store.js';
import { type RawBatchRequest, validate } from './steps/validate.js';

export type IngestResult =
  | { ok: true; ack: IngestAck; site: SiteRecord }
  | { ok: false; drop: Drop; site: SiteRecord | undefined };

export interface IngestDeps {
  store: Store;
  cipher: EnvelopeCipher;
  clock: Clock;
  /** Keys the hash of `veil('identify', …)` user ids. */
  hasher: SubjectHasher;
  /** The visitor's country for restricted regions. @default none configured */
  regions?: RegionLookup;
  /** Raises inventory, masking-failure, canary and restricted-region-spike alerts. @default none (alerts only logged) */
  alerts?: AlertService;
  /** Told of every privacy (canary) alert the moment it is raised. */
  onPrivacyAlert?: (alert: PrivacyAlertRecord) => void;
  /**
   * The chunk, heatmap and signal writes. @default `localWrites` on `store` (an ingest worker
   * hands them to the main thread instead)
   */
  writes?: IngestWrites;
}

/**
 * `POST /ingest/v1/batch` as a named pipeline (STYLE.md):
 * `validate → siteAndOrigin → consent → sampling → ipPolicy → region → pageTargeting → errorWindow →
 * identify → sanitizeUrls → redact → inventory → aggregate → signals → store → linkSubject`. Each
 * step returns the next context or a typed `Drop`; each is counted and timed in `metrics`. The
 * privacy steps drop (and count) what the site's policy does not record; `redact` masks what the browser left, before
 * anything is inventoried, aggregated or stored.
 */
export class IngestPipeline implements IngestService {
  /** Per-session privacy state between batches (redaction context, current page). */
  readonly privacySessions = new SessionPrivacyStates();
  /** The data inventory: pages, fields, iframes and sensitive-looking elements seen at ingest. */
  readonly inventory: InventoryTracker;
  readonly #regions: RegionLookup;
  /** Chunk, heatmap and signal writes; chunks stored at the same moment share one transaction. */
  readonly #writes: IngestWrites;

  constructor(
    private readonly deps: IngestDeps,
    readonly metrics: IngestMetrics = new IngestMetrics(),
  ) {
    this.#regions = deps.regions ?? createRegionLookup({ headerConfigured: false });
    this.#writes = deps.writes ?? localWrites(deps.store, deps.cipher);
    this.inventory = new InventoryTracker({
      store: deps.store,
      sessions: this.privacySessions,
      alerts: deps.alerts,
    });
  }

  /** Resolves once every chunk handed to the group commit is written (shutdown). */
  drained(): Promise<void> {
    return this.#writes.drained();
  }

  forgetSession(sessionId: string): void {
    this.privacySessions.forget(sessionId);
  }

  async close(): Promise<void> {}

  async run(request: RawBatchRequest): Promise<IngestResult> {
    const validated = await this.step('validate', () => validate(request));
    if (isDrop(validated)) return { ok: false, drop: validated, site: undefined };
    const located = await this.step('siteAndOrigin', () => siteAndOrigin(this.deps.store, validated));
    if (isDrop(located)) return { ok: false, drop: located, site: undefined };
    const consented = await this.step('consent', () => consent(this.deps, located));
    if (isDrop(consented)) return { ok: false, drop: consented, site: located.site };
    const sampled = await this.step('sampling', () => sampling(this.deps, consented));
    if (isDrop(sampled)) return { ok: false, drop: sampled, site: located.site };
    // The client address serves the block list and the region lookup, then leaves the context.
    const allowedIp = await this.step('ipPolicy', () => ipPolicy(this.deps, sampled));
    if (isDrop(allowedIp)) return { ok: false, drop: allowedIp, site: located.site };
    const inRegion = await this.step('region', () =>
      region({ ...this.deps, regions: this.#regions }, allowedIp),
    );
    if (isDrop(inRegion)) return { ok: false, drop: inRegion, site: located.site };
    const targeted = await this.step('pageTargeting', () =>
      pageTargeting({ ...this.deps, sessions: this.privacySessions }, inRegion),
    );
    if (isDrop(targeted)) return { ok: false, drop: targeted, site: located.site };
    const windowed = await this.step('errorWindow', () => errorWindow(this.deps, targeted));
    if (isDrop(windowed)) return { ok: false, drop: windowed, site: located.site };
    // Before any redaction: user ids become their keyed hash, tags are kept for erasure by tag.
    const identified = await this.step('identify', () => identify(this.deps, windowed));
    if (isDrop(identified)) return { ok: false, drop: identified, site: located.site };
    const sanitised = await this.step('sanitizeUrls', () => sanitizeUrls(identified));
    if (isDrop(sanitised)) return { ok: false, drop: sanitised, site: located.site };
    const redacted = await this.step('redact', () =>
      redact({ ...this.deps, sessions: this.privacySessions, onAlert: this.deps.onPrivacyAlert }, sanitised),
    );
    if (isDrop(redacted)) return { ok: false, drop: redacted, site: located.site };
    const inventoried = await this.step('inventory', () =>
      inventory({ clock: this.deps.clock, inventory: this.inventory }, redacted),
    );
    if (isDrop(inventoried)) return { ok: false, drop: inventoried, site: located.site };
    const aggregated = await this.step('aggregate', () =>
      aggregateHeatmaps({ ...this.deps, writes: this.#writes }, inventoried),
    );
    if (isDrop(aggregated)) return { ok: false, drop: aggregated, site: located.site };
    if (aggregated.heatmap.captureMode === 'heatmap') {
      // Heatmap-only capture: counted into aggregates, never stored as a replayable recording.
      const duplicate = aggregated.heatmap.outcome === 'duplicate';
      this.metrics.recordAccepted(duplicate);
      return {
        ok: true,
        ack: { sessionId: validated.batch.sessionId, ack: validated.batch.seq, duplicate },
        site: located.site,
      };
    }
    // Counted by `store` in the chunk's transaction, also for a retried batch (idempotent by (session, seq)).
    const signalled = await this.step('signals', () => countSignals(aggregated));
    if (isDrop(signalled)) return { ok: false, drop: signalled, site: located.site };
    const stored = await this.step('store', () =>
      storeBatch({ clock: this.deps.clock, writes: this.#writes }, signalled),
    );
    if (isDrop(stored)) return { ok: false, drop: stored, site: located.site };
    // Also for a retried batch: a link that failed after the chunk was stored is made now.
    await this.step('linkSubject', () => linkSubject(this.deps, identified, this.deps.clock.now()));
    this.metrics.recordAccepted(stored.ack.duplicate);
    return { ok: true, ack: stored.ack, site: located.site };
  }

  /** Records a batch the HTTP layer refused at the ingest limit (load shedding). */
  recordShed(): void {
    this.metrics.recordShed();
  }

  /** Records a refusal the HTTP layer made before the pipeline ran (body over the limit). */
  recordEarlyDrop(d: Drop): void {
    this.metrics.recordStep('validate', { drop: d.drop }, 0);
  }

  private async step<T>(name: IngestStepName, fn: () => Promise<T | Drop> | T | Drop): Promise<T | Drop> {
    const started = performance.now();
    try {
      const result = await fn();
      this.metrics.recordStep(name, isDrop(result) ? { drop: result.drop } : {}, performance.now() - started);
      return result;
    } catch (error) {
      this.metrics.recordStep(name, { failed: true }, performance.now() - started);
      throw error;
    }
  }
}
