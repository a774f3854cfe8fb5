import {
  type InventoryCapture,
  type InventoryKind,
  type ObservedElement,
  type PrivacyPolicy,
  type RecordedEvent,
  redactText,
  scanInventory,
} from '@veil/core';
import type { AlertService } from '../alerts/AlertService.js';
import { detectorsFor } from '../ingest/steps/redact.js';
import type { SessionPrivacyStates } from '../privacy/SessionPrivacyStates.js';
import type { InventoryItemRecord, NewInventoryItem } from '../storage/inventory/InventoryRepository.js';
import type { Store } from '../storage/Store.js';
import type { SiteRecord } from '../storage/sites/SiteRepository.js';

/** Most inventory items one site holds; beyond, new ones are not recorded and one alert says so. */
export const MAX_INVENTORY_ITEMS_PER_SITE = 5_000;
/** A page's last-seen time is written at most this often per process (a new session always writes). */
export const PAGE_TOUCH_INTERVAL_MS = 60_000;
/** Sites whose inventory this process keeps in memory. */
const MAX_CACHED_SITES = 200;
/** (session, page) pairs remembered for counting sessions per page. */
const MAX_SESSION_PAGES = 100_000;

/** What the process remembers of one site's inventory: each item's key and capture. */
interface SiteInventory {
  /** `kind|page|path` → capture (null for pages; undefined when another process created it). */
  items: Map<string, InventoryCapture | null | undefined>;
  pageTouched: Map<string, number>;
  full: boolean;
}

const keyOf = (kind: InventoryKind, pagePattern: string, path: string) => `${kind}|${pagePattern}|${path}`;

/** Subjects of scope-drift alerts: what approving or excluding an item resolves. */
export function scopeDriftSubject(item: Pick<InventoryItemRecord, 'kind' | 'pagePattern' | 'path'>): string {
  return item.kind === 'page' ? `page:${item.pagePattern}` : `${item.kind}:${item.pagePattern}|${item.path}`;
}

export interface InventoryTrackerDeps {
  store: Store;
  sessions: SessionPrivacyStates;
  alerts?: AlertService;
}

/**
 * The data inventory at ingest (step `inventory`, after `redact`): scans each batch for pages,
 * fields, iframes and sensitive-looking elements (`scanInventory`), files the new ones as pending
 * items and raises one `scope_drift` alert per new page (its fields with it) and per new element on
 * a known page, and a `sensitive_field_unmasked` alert when a field whose markup looks sensitive is
 * captured unmasked. Cheap on purpose: the site's known items live in memory, so a batch that shows
 * nothing new writes nothing but, at most once a minute or once per new session, its pages' last
 * seen time.
 */
export class InventoryTracker {
  readonly #sites = new Map<string, SiteInventory>();
  readonly #sessionPages = new Set<string>();

  constructor(private readonly deps: InventoryTrackerDeps) {}

  async observe(
    site: SiteRecord,
    sessionId: string,
    events: readonly RecordedEvent[],
    now: number,
  ): Promise<void> {
    const policy: PrivacyPolicy = site.policy;
    const state = this.deps.sessions.get(sessionId);
    const detectors = detectorsFor(site.id, policy);
    const scan = scanInventory(events, {
      context: state.redaction,
      page: state.inventoryPage ?? state.redaction.page,
      pagePatterns: policy.heatmapPagePatterns,
      maskAllText: policy.maskAllText,
      redactLabel: (text) => redactText(text, detectors).text,
    });
    if (scan.page !== undefined) state.inventoryPage = scan.page;
    if (scan.pages.length === 0 && scan.elements.length === 0 && scan.captures.length === 0) return;
    const known = await this.#site(site.id);

    // New items, once each (the last observation of an element in the batch wins; proof beats markup).
    const fresh = new Map<string, NewInventoryItem>();
    const seen = new Map<string, ObservedElement>();
    for (const page of scan.pages) {
      const key = keyOf('page', page.pattern, '');
      if (!known.items.has(key)) fresh.set(key, pageItem(site.id, page.pattern, now));
    }
    for (const e of scan.elements) {
      const key = keyOf(e.kind, e.pagePattern, e.path);
      const before = seen.get(key);
      if (!before || e.certain || !before.certain) seen.set(key, e);
      if (!known.items.has(key)) fresh.set(key, elementItem(site.id, e, now));
    }
    let created: InventoryItemRecord[] = [];
    if (fresh.size > 0) {
      let items = [...fresh.values()];
      const room = MAX_INVENTORY_ITEMS_PER_SITE - known.items.size;
      if (items.length > room) {
        items = items.slice(0, Math.max(0, room));
        await this.#overflow(site, known);
      }
      created = await this.deps.store.inventory.discover(items);
      for (const item of items) known.items.set(keyOf(item.kind, item.pagePattern, item.path), undefined);
      for (const item of created)
        known.items.set(keyOf(item.kind, item.pagePattern, item.path), item.capture);
    }

    for (const page of scan.pages) {
      const sessionKey = `${sessionId}|${site.id}|${page.pattern}`;
      const newSession = !this.#sessionPages.has(sessionKey);
      if (newSession) {
        if (this.#sessionPages.size >= MAX_SESSION_PAGES) this.#sessionPages.clear();
        this.#sessionPages.add(sessionKey);
      }
      const touched = known.pageTouched.get(page.pattern) ?? 0;
      if (!newSession && page.networkPayloadEvents === 0 && now - touched < PAGE_TOUCH_INTERVAL_MS) continue;
      known.pageTouched.set(page.pattern, now);
      await this.deps.store.inventory.touchPage(site.id, page.pattern, {
        at: now,
        newSessions: newSession ? 1 : 0,
        networkPayloadEvents: page.networkPayloadEvents,
      });
    }

    await this.#raiseScopeDrift(site, created);
    for (const item of created) await this.#checkSensitive(site, item);

    // Proof of how known elements are captured now (a blocked box after an exclusion, a value typed).
    const createdKeys = new Set(created.map((c) => keyOf(c.kind, c.pagePattern, c.path)));
    const updates: Array<{
      kind: InventoryKind;
      pagePattern: string;
      path: string;
      capture: InventoryCapture;
    }> = [];
    for (const [key, e] of seen) if (e.certain && !createdKeys.has(key)) updates.push(e);
    for (const c of scan.captures) updates.push({ kind: 'field', ...c });
    for (const u of updates) {
      const key = keyOf(u.kind, u.pagePattern, u.path);
      if (!known.items.has(key) || known.items.get(key) === u.capture) continue;
      const changed = await this.deps.store.inventory.setCapture(
        site.id,
        u.kind,
        u.pagePattern,
        u.path,
        u.capture,
        now,
      );
      known.items.set(key, u.capture);
      if (changed) await this.#checkSensitive(site, changed);
    }
  }

  /** Forgets what this process knows of a site's inventory (after a review elsewhere, in tests). */
  forgetSite(siteId: string): void {
    this.#sites.delete(siteId);
  }

  async #site(siteId: string): Promise<SiteInventory> {
    const cached = this.#sites.get(siteId);
    if (cached) return cached;
    const items = new Map<string, InventoryCapture | null | undefined>();
    for (const item of await this.deps.store.inventory.list(siteId))
      items.set(keyOf(item.kind, item.pagePattern, item.path), item.capture);
    const site: SiteInventory = { items, pageTouched: new Map(), full: false };
    if (this.#sites.size >= MAX_CACHED_SITES) this.#sites.clear();
    this.#sites.set(siteId, site);
    return site;
  }

  async #overflow(site: SiteRecord, known: SiteInventory): Promise<void> {
    if (known.full) return;
    known.full = true;
    await this.deps.alerts?.raiseFor(site, 'scope_drift', {
      subject: 'inventory-full',
      summary: `the data inventory holds ${MAX_INVENTORY_ITEMS_PER_SITE} items: new pages and fields are no longer recorded`,
      details: { limit: MAX_INVENTORY_ITEMS_PER_SITE },
    });
  }

  /** One alert per new page (its new elements counted in it), one per new element on a known page. */
  async #raiseScopeDrift(site: SiteRecord, created: readonly InventoryItemRecord[]): Promise<void> {
    const alerts = this.deps.alerts;
    if (!alerts || created.length === 0) return;
    const newPages = new Set(created.filter((c) => c.kind === 'page').map((c) => c.pagePattern));
    for (const item of created) {
      if (item.kind === 'page') {
        const elements = created.filter((c) => c.kind !== 'page' && c.pagePattern === item.pagePattern);
        await alerts.raiseFor(site, 'scope_drift', {
          subject: scopeDriftSubject(item),
          summary: `new page ${item.pagePattern} with ${elements.length} fields and elements, pending review`,
          details: {
            pagePattern: item.pagePattern,
            itemId: item.id,
            kind: 'page',
            fields: elements.filter((e) => e.kind === 'field').length,
            elements: elements.length,
          },
        });
      } else if (!newPages.has(item.pagePattern)) {
        await alerts.raiseFor(site, 'scope_drift', {
          subject: scopeDriftSubject(item),
          summary: `new ${item.kind} ${item.name ?? item.tag ?? ''} on ${item.pagePattern} (${item.capture}), pending review`,
          details: {
            pagePattern: item.pagePattern,
            itemId: item.id,
            kind: item.kind,
            elementPath: item.path,
            tag: item.tag,
            name: item.name,
            capture: item.capture,
            sensitive: item.sensitive,
          },
        });
      }
    }
  }

  async #checkSensitive(site: SiteRecord, item: InventoryItemRecord): Promise<void> {
    if (
      item.capture !== 'captured' ||
      item.sensitive === null ||
      item.kind === 'page' ||
      item.kind === 'iframe'
    )
      return;
    await this.deps.alerts?.raiseFor(site, 'sensitive_field_unmasked', {
      subject: `${item.pagePattern}|${item.path}`,
      summary: `${item.kind} ${item.name ?? item.tag ?? ''} on ${item.pagePattern} looks like ${item.sensitive} and is captured unmasked`,
      details: {
        pagePattern: item.pagePattern,
        itemId: item.id,
        elementPath: item.path,
        tag: item.tag,
        name: item.name,
        autocomplete: item.autocomplete,
        sensitive: item.sensitive,
      },
    });
  }
}

function pageItem(siteId: string, pagePattern: string, at: number): NewInventoryItem {
  return {
    siteId,
    kind: 'page',
    pagePattern,
    path: '',
    tag: null,
    name: null,
    elementId: null,
    inputType: null,
    autocomplete: null,
    label: null,
    capture: null,
    sensitive: null,
    at,
  };
}

function elementItem(siteId: string, e: ObservedElement, at: number): NewInventoryItem {
  return {
    siteId,
    kind: e.kind,
    pagePattern: e.pagePattern,
    path: e.path,
    tag: e.tag,
    name: e.name,
    elementId: e.elementId,
    inputType: e.inputType,
    autocomplete: e.autocomplete,
    label: e.label,
    capture: e.capture,
    sensitive: e.sensitive,
    at,
  };
}
