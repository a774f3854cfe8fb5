import type { InventoryCapture, InventoryItem, InventoryKind, InventoryStatus } from '@veil/core';

/** One inventory item of a site (the API's `InventoryItem` with its site). */
export type InventoryItemRecord = InventoryItem & { siteId: string };

/** What ingest found: an item, identified by (site, kind, page pattern, path). */
export interface NewInventoryItem {
  siteId: string;
  kind: InventoryKind;
  pagePattern: string;
  path: string;
  tag: string | null;
  name: string | null;
  elementId: string | null;
  inputType: string | null;
  autocomplete: string | null;
  label: string | null;
  capture: InventoryCapture | null;
  sensitive: string | null;
  at: number;
}

export interface InventoryListOptions {
  status?: InventoryStatus;
  /** Only this page and its elements. */
  pagePattern?: string;
}

export interface InventoryReview {
  /** Statuses the item may be in for the review to apply. */
  from: readonly InventoryStatus[];
  status: Exclude<InventoryStatus, 'pending'>;
  by: string;
  at: number;
  note: string | null;
  policyVersion: number | null;
  rule: string | null;
}

/** The data inventory: items discovered at ingest, reviewed by a compliance officer. */
export interface InventoryRepository {
  /**
   * Inserts the items not known yet (pending) and returns those it created; known ones are left
   * as they are, also when another process inserted them a moment ago.
   */
  discover(items: readonly NewInventoryItem[]): Promise<InventoryItemRecord[]>;
  /** A page was seen again: last seen (never moved back), sessions and network payload events added. */
  touchPage(
    siteId: string,
    pagePattern: string,
    seen: { at: number; newSessions: number; networkPayloadEvents: number },
  ): Promise<void>;
  /**
   * Sets how an element is captured (and its last seen); returns the item when the capture changed,
   * else undefined.
   */
  setCapture(
    siteId: string,
    kind: InventoryKind,
    pagePattern: string,
    path: string,
    capture: InventoryCapture,
    at: number,
  ): Promise<InventoryItemRecord | undefined>;
  /** Pages first, then by page pattern and path. */
  list(siteId: string, options?: InventoryListOptions): Promise<InventoryItemRecord[]>;
  count(siteId: string): Promise<number>;
  findById(id: string): Promise<InventoryItemRecord | undefined>;
  /** True when the item was in one of `review.from` and is now reviewed. */
  review(id: string, review: InventoryReview): Promise<boolean>;
}
