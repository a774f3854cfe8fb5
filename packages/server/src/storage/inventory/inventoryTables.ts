/**
 * The data inventory (migration `014_inventory`): one row per page pattern, form field, iframe
 * and sensitive-looking element a site's recordings showed, with its review. Markup and label
 * text only (already redacted at ingest); never a recorded value.
 */
export interface InventoryTables {
  inventory_items: InventoryItemsTable;
}

export interface InventoryItemsTable {
  id: string;
  site_id: string;
  /** `page`, `field`, `element`, `iframe`. */
  kind: string;
  page_pattern: string;
  /** Element path without the element's own id; `''` for a page. Unique per (site, kind, page, path). */
  path: string;
  tag: string | null;
  name: string | null;
  element_id: string | null;
  input_type: string | null;
  autocomplete: string | null;
  label: string | null;
  /** `masked`, `blocked`, `captured`; null for a page. */
  capture: string | null;
  sensitive: string | null;
  /** `pending`, `approved`, `excluded`. */
  status: string;
  first_seen_at: number;
  last_seen_at: number;
  sessions: number;
  network_payload_events: number;
  reviewed_at: number | null;
  reviewed_by: string | null;
  review_note: string | null;
  policy_version: number | null;
  rule: string | null;
}
