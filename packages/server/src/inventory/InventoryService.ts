import type { AuditActor, InventoryStatus } from '@veil/core';
import type { AuditLog } from '../audit/AuditLog.js';
import type { Clock } from '../clock.js';
import { VeilError } from '../errors/VeilError.js';
import { PolicyService } from '../privacy/PolicyService.js';
import type { InventoryItemRecord } from '../storage/inventory/InventoryRepository.js';
import type { PolicyAuthor } from '../storage/privacy/PrivacyRepository.js';
import type { Store } from '../storage/Store.js';
import type { SiteRecord } from '../storage/sites/SiteRepository.js';
import { scopeDriftSubject } from './InventoryTracker.js';
import { inventoryListing } from './inventoryListing.js';
import { exclusionRule } from './inventoryRules.js';

export interface InventoryServiceDeps {
  store: Store;
  clock: Clock;
  audit: AuditLog;
}

/** Who reviews: the audit actor and the policy author of an exclusion. */
export interface Reviewer {
  actor: AuditActor;
  author: PolicyAuthor;
}

/**
 * The data inventory's review: a compliance officer approves an item (in scope) or excludes it,
 * which publishes a normal policy version (block or mask rule, the page deny list) with the
 * reason. Either resolves the item's open scope-drift alert and is audited.
 */
export class InventoryService {
  readonly #policies: PolicyService;

  constructor(private readonly deps: InventoryServiceDeps) {
    this.#policies = new PolicyService(deps);
  }

  listing(site: SiteRecord, options: { status?: InventoryStatus; pagePattern?: string } = {}) {
    return inventoryListing(this.deps.store, site, options);
  }

  async approve(site: SiteRecord, itemId: string, reviewer: Reviewer, note: string | null) {
    const item = await this.#item(site, itemId);
    const done = await this.deps.store.inventory.review(item.id, {
      from: ['pending'],
      status: 'approved',
      by: reviewer.actor.label ?? reviewer.author.label,
      at: this.deps.clock.now(),
      note,
      policyVersion: null,
      rule: null,
    });
    if (!done) throw new VeilError('conflict', `the item is ${item.status} already`);
    await this.#resolveDrift(site, item, reviewer, note ?? 'approved in the data inventory');
    await this.deps.audit.record({
      action: 'inventory.approved',
      actor: reviewer.actor,
      siteKey: site.siteKey,
      target: { type: 'inventory_item', id: item.id },
      details: { itemId: item.id, kind: item.kind, pagePattern: item.pagePattern, path: item.path, note },
    });
    return this.#item(site, itemId);
  }

  async exclude(
    site: SiteRecord,
    itemId: string,
    reviewer: Reviewer,
    input: { reason: string; action: 'block' | 'mask' },
  ) {
    const item = await this.#item(site, itemId);
    if (item.status === 'excluded') throw new VeilError('conflict', 'the item is excluded already');
    const current = await this.#policies.current(site);
    const rule = exclusionRule(current.policy, item, input.action);
    const version = rule.changes
      ? (
          await this.#policies.update(
            site,
            rule.policy,
            `data inventory: exclude ${item.kind} ${item.pagePattern}${item.path ? ` ${item.path}` : ''}: ${input.reason}`.slice(
              0,
              500,
            ),
            reviewer.author,
            current.version,
          )
        ).version
      : current.version;
    const done = await this.deps.store.inventory.review(item.id, {
      from: ['pending', 'approved'],
      status: 'excluded',
      by: reviewer.actor.label ?? reviewer.author.label,
      at: this.deps.clock.now(),
      note: input.reason,
      policyVersion: version,
      rule: rule.rule,
    });
    if (!done) throw new VeilError('conflict', 'the item was reviewed meanwhile');
    await this.#resolveDrift(site, item, reviewer, `excluded: ${input.reason}`);
    await this.deps.audit.record({
      action: 'inventory.excluded',
      actor: reviewer.actor,
      siteKey: site.siteKey,
      target: { type: 'inventory_item', id: item.id },
      details: {
        itemId: item.id,
        kind: item.kind,
        pagePattern: item.pagePattern,
        path: item.path,
        reason: input.reason,
        rule: rule.rule,
        policyVersion: version,
      },
    });
    return this.#item(site, itemId);
  }

  async #item(site: SiteRecord, itemId: string): Promise<InventoryItemRecord> {
    const item = await this.deps.store.inventory.findById(itemId);
    if (!item || item.siteId !== site.id) throw new VeilError('not_found', 'no such inventory item');
    return item;
  }

  /** The item's open scope-drift alert is settled by the review (audited like a resolution in the inbox). */
  async #resolveDrift(site: SiteRecord, item: InventoryItemRecord, reviewer: Reviewer, note: string) {
    const open = await this.deps.store.alerts.findOpen(site.id, `scope_drift:${scopeDriftSubject(item)}`);
    if (!open) return;
    const by = reviewer.actor.label ?? reviewer.author.label;
    if (!(await this.deps.store.alerts.resolve(open.id, by, this.deps.clock.now(), note.slice(0, 1000))))
      return;
    await this.deps.audit.record({
      action: 'alert.resolved',
      actor: reviewer.actor,
      siteKey: site.siteKey,
      target: { type: 'alert', id: open.id },
      details: { alertId: open.id, kind: open.kind, note },
    });
  }
}
