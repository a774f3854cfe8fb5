import { randomUUID } from 'node:crypto';
import {
  ALERT_SEVERITY,
  type AlertDetails,
  type AlertKind,
  alertDetailsSchema,
  alertKindSchema,
  sinksFor,
} from '@veil/core';
import type { Clock } from '../clock.js';
import type { EnvelopeCipher } from '../crypto/EnvelopeCipher.js';
import type { AlertDeliveryRecord } from '../storage/alerts/AlertDeliveryRepository.js';
import type { AlertRecord } from '../storage/alerts/AlertRepository.js';
import type { AlertSinkRecord } from '../storage/alerts/AlertSinkRepository.js';
import type { Store } from '../storage/Store.js';
import type { SiteRecord } from '../storage/sites/SiteRepository.js';
import { type AlertMessage, alertMessage, digestMessage } from './alertMessage.js';
import { openSinkSecret } from './sinkSecretBox.js';
import { sendEmail } from './sinks/sendEmail.js';
import { DeliveryError, sendWebhook } from './sinks/sendWebhook.js';

/** Attempts per notification before it is logged as failed. */
export const MAX_DELIVERY_ATTEMPTS = 6;
/** First retry after this long; each further one waits twice as long (1 s, 2 s, 4 s, … 16 s). */
export const DEFAULT_RETRY_BASE_MS = 1_000;
/** An attempt in progress holds its delivery this long (another process waits). */
const DELIVERY_LEASE_MS = 60_000;
/** The rate limit's window. */
export const ALERT_RATE_WINDOW_MS = 60 * 60 * 1000;
/** Alerts held back by the rate limit go out as one digest once the oldest has waited this long. */
export const DIGEST_AFTER_MS = 10 * 60 * 1000;
/** Deliveries attempted per `dispatch()` run. */
const DISPATCH_BATCH = 50;

/** What a caller says about an alert: names, paths, labels and counts, never a recorded value. */
export interface RaiseInput {
  /** What makes two raises the same alert (a page pattern, an element path, a label): they fold. */
  subject: string;
  /** One line for people. */
  summary: string;
  details?: AlertDetails;
}

export interface RaiseOutcome {
  alert: AlertRecord;
  /** False when it folded into an unresolved alert of the same subject (nobody is notified again). */
  created: boolean;
  /** Sinks notified now (pending) and held for the digest. */
  notified: string[];
  held: string[];
}

export interface AlertServiceDeps {
  store: Store;
  clock: Clock;
  cipher: EnvelopeCipher;
  /** Told of delivery failures and dispatch errors (the log). */
  onError?: (message: string, error: unknown) => void;
  /** Base URL of the dashboard, for links in notifications. */
  dashboardUrl?: string;
  /** @default DEFAULT_RETRY_BASE_MS */
  retryBaseMs?: number;
}

export interface DispatchReport {
  delivered: number;
  retried: number;
  failed: number;
  digests: number;
}

/**
 * Veil's alert service. `raise(kind, siteKey, …)` puts an alert into the site's inbox (folding a
 * duplicate into the unresolved alert of the same subject) and queues one notification per sink
 * the site's policy routes the kind to (`alerts.routes`); a sink past its hourly limit holds them
 * for one digest. `dispatch()` sends what is due: webhooks (signed JSON) and e-mail (SMTP), retried
 * with exponential backoff, every attempt kept in the delivery log. Raising never waits for a sink.
 */
export class AlertService {
  readonly #deps: AlertServiceDeps;
  #running: Promise<DispatchReport> | undefined;
  #again = false;

  constructor(deps: AlertServiceDeps) {
    this.#deps = deps;
  }

  /** Raises an alert of `kind` on the site with this key. Throws on an unknown site or bad details. */
  async raise(kind: AlertKind, siteKey: string, input: RaiseInput): Promise<RaiseOutcome> {
    const site = await this.#deps.store.sites.findByKey(siteKey);
    if (!site) throw new Error(`no site has the key ${siteKey}`);
    return this.raiseFor(site, kind, input);
  }

  /** `raise` for a site record the caller holds already (ingest). */
  async raiseFor(site: SiteRecord, kind: AlertKind, input: RaiseInput): Promise<RaiseOutcome> {
    const { store, clock } = this.#deps;
    alertKindSchema.parse(kind);
    const details = alertDetailsSchema.parse(input.details ?? {});
    const now = clock.now();
    const { alert, created } = await store.alerts.raise({
      siteId: site.id,
      kind,
      fingerprint: `${kind}:${input.subject}`.slice(0, 500),
      severity: ALERT_SEVERITY[kind],
      summary: input.summary.slice(0, 300),
      details,
      at: now,
    });
    const notified: string[] = [];
    const held: string[] = [];
    if (!created) return { alert, created, notified, held };
    const names = sinksFor(site.policy.alerts, kind);
    if (names.length > 0) {
      const sinks = (await store.alertSinks.list(site.id)).filter((s) => s.enabled && names.includes(s.name));
      for (const sink of sinks) {
        const sent = await store.alertDeliveries.countSentSince(sink.id, now - ALERT_RATE_WINDOW_MS);
        const over = sent >= site.policy.alerts.maxPerSinkPerHour;
        await store.alertDeliveries.insert({
          id: randomUUID(),
          siteId: site.id,
          sinkId: sink.id,
          kind: 'alert',
          alertId: alert.id,
          digestAlertIds: [],
          status: over ? 'held' : 'pending',
          attempts: 0,
          nextAttemptAt: now,
          lastError: null,
          lastResponse: null,
          createdAt: now,
          deliveredAt: null,
        });
        (over ? held : notified).push(sink.name);
      }
      if (notified.length > 0) this.kick();
    }
    return { alert, created, notified, held };
  }

  /** Starts a dispatch soon without waiting for it (coalesced with one already running). */
  kick(): void {
    void this.dispatch().catch((error: unknown) => this.#deps.onError?.('alert dispatch failed', error));
  }

  /** Sends every due notification and every digest whose time has come. Runs one at a time. */
  dispatch(): Promise<DispatchReport> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    const run = (async () => {
      const total: DispatchReport = { delivered: 0, retried: 0, failed: 0, digests: 0 };
      do {
        this.#again = false;
        const report = await this.#dispatchOnce();
        total.delivered += report.delivered;
        total.retried += report.retried;
        total.failed += report.failed;
        total.digests += report.digests;
      } while (this.#again);
      return total;
    })().finally(() => {
      this.#running = undefined;
    });
    this.#running = run;
    return run;
  }

  async #dispatchOnce(): Promise<DispatchReport> {
    const { store, clock } = this.#deps;
    const report: DispatchReport = { delivered: 0, retried: 0, failed: 0, digests: 0 };
    report.digests = await this.#queueDigests();
    const due = await store.alertDeliveries.listDue(clock.now(), DISPATCH_BATCH);
    for (const delivery of due) {
      const now = clock.now();
      if (!(await store.alertDeliveries.claim(delivery.id, delivery.nextAttemptAt, now + DELIVERY_LEASE_MS)))
        continue;
      const outcome = await this.#attempt(delivery);
      report[outcome] += 1;
    }
    return report;
  }

  /** Held alerts of a sink become one digest delivery once the oldest has waited `DIGEST_AFTER_MS`. */
  async #queueDigests(): Promise<number> {
    const { store, clock } = this.#deps;
    const now = clock.now();
    let queued = 0;
    for (const held of await store.alertDeliveries.heldSinks()) {
      if (held.oldestAt > now - DIGEST_AFTER_MS) continue;
      const rows = await store.alertDeliveries.listHeld(held.sinkId);
      const ids = rows.map((r) => r.id);
      if ((await store.alertDeliveries.markDigested(ids)) !== ids.length) continue; // another process took them
      await store.alertDeliveries.insert({
        id: randomUUID(),
        siteId: held.siteId,
        sinkId: held.sinkId,
        kind: 'digest',
        alertId: null,
        digestAlertIds: rows.flatMap((r) => (r.alertId ? [r.alertId] : [])),
        status: 'pending',
        attempts: 0,
        nextAttemptAt: now,
        lastError: null,
        lastResponse: null,
        createdAt: now,
        deliveredAt: null,
      });
      queued += 1;
    }
    return queued;
  }

  async #attempt(delivery: AlertDeliveryRecord): Promise<'delivered' | 'retried' | 'failed'> {
    const { store, clock } = this.#deps;
    const attempts = delivery.attempts + 1;
    try {
      const sink = await store.alertSinks.findById(delivery.sinkId);
      const site = await store.sites.findById(delivery.siteId);
      if (!sink || !site) throw new DeliveryError('the sink or its site is gone', null);
      const message = await this.#message(site.siteKey, delivery);
      const response = await this.#send(sink, message);
      await store.alertDeliveries.markDelivered(delivery.id, attempts, response, clock.now());
      return 'delivered';
    } catch (error) {
      const response = error instanceof DeliveryError ? error.response : null;
      const text = (error instanceof Error ? error.message : String(error)).slice(0, 500);
      const retry = attempts < MAX_DELIVERY_ATTEMPTS;
      const base = this.#deps.retryBaseMs ?? DEFAULT_RETRY_BASE_MS;
      const retryAt = retry ? clock.now() + base * 2 ** (attempts - 1) : null;
      await store.alertDeliveries.markAttemptFailed(delivery.id, attempts, text, response, retryAt);
      if (!retry) this.#deps.onError?.('alert notification failed for good', error);
      return retry ? 'retried' : 'failed';
    }
  }

  async #message(siteKey: string, delivery: AlertDeliveryRecord): Promise<AlertMessage> {
    const { store } = this.#deps;
    if (delivery.kind === 'alert') {
      const alert = delivery.alertId ? await store.alerts.findById(delivery.alertId) : undefined;
      if (!alert) throw new DeliveryError('the alert is gone', null);
      return alertMessage(siteKey, alert, this.#deps.dashboardUrl);
    }
    const alerts: AlertRecord[] = [];
    for (const id of delivery.digestAlertIds) {
      const alert = await store.alerts.findById(id);
      if (alert) alerts.push(alert);
    }
    return digestMessage(siteKey, alerts, this.#deps.dashboardUrl);
  }

  async #send(sink: AlertSinkRecord, message: AlertMessage): Promise<string> {
    const secret = openSinkSecret(this.#deps.cipher, sink.id, sink.secretBox);
    if (sink.type === 'webhook' && secret.type === 'webhook') {
      return sendWebhook(secret, message.webhook, this.#deps.clock.now());
    }
    if (sink.type === 'email' && secret.type === 'email') {
      return sendEmail(sink.settings, secret.password, message);
    }
    throw new DeliveryError('the sink secret does not match its type', null);
  }
}
