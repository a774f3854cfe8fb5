import { performance } from 'node:perf_hooks';
import type { IngestAck } from '@veil/core';
import type { Clock } from '../clock.js';
import type { EnvelopeCipher } from '../crypto/EnvelopeCipher.js';
import type { SiteRecord, Store } from '../storage/Store.js';
import { type Drop, isDrop } from './Drop.js';
import { IngestMetrics, type IngestStepName } from './pipelineMetrics.js';
import { sanitizeUrls } from './steps/sanitizeUrls.js';
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
}

/**
 * `POST /ingest/v1/batch` as a named pipeline (STYLE.md):
 * `validate → siteAndOrigin → sanitizeUrls → store`. Each step returns the next context or a typed
 * `Drop`; each is counted and timed in `metrics`. Later steps (consent, IP policy, region, page
 * targeting, redaction, inventory, aggregates) slot in between.
 */
export class IngestPipeline {
  constructor(
    private readonly deps: IngestDeps,
    readonly metrics: IngestMetrics = new IngestMetrics(),
  ) {}

  async run(request: RawBatchRequest): Promise<IngestResult> {
    const validated = await this.step('validate', () => validate(request));
    if (isDrop(validated)) return { ok: false, drop: validated, site: undefined };
    const located = await this.step('siteAndOrigin', () => siteAndOrigin(this.deps.store, validated));
    if (isDrop(located)) return { ok: false, drop: located, site: undefined };
    const sanitised = await this.step('sanitizeUrls', () => sanitizeUrls(located));
    if (isDrop(sanitised)) return { ok: false, drop: sanitised, site: located.site };
    const stored = await this.step('store', () => storeBatch(this.deps, sanitised));
    if (isDrop(stored)) return { ok: false, drop: stored, site: located.site };
    this.metrics.recordAccepted(stored.ack.duplicate);
    return { ok: true, ack: stored.ack, site: located.site };
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
