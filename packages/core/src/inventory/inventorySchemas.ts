import { z } from 'zod';

/**
 * The data inventory (docs/inventory.md): what the recorder can see on a site, discovered from
 * the recordings at ingest. One schema per answer, shared by the server's routes, the CLI and the
 * dashboard.
 */

/** `page`: a page pattern; `field`: a form field; `element`: a sensitive-looking, masked or blocked element; `iframe`. */
export const INVENTORY_KINDS = ['page', 'field', 'element', 'iframe'] as const;
export type InventoryKind = (typeof INVENTORY_KINDS)[number];

/** What a recording holds of an element: nothing (`blocked`), a mask (`masked`), or its content (`captured`). */
export const INVENTORY_CAPTURES = ['masked', 'blocked', 'captured'] as const;
export type InventoryCapture = (typeof INVENTORY_CAPTURES)[number];

/** Every item waits for a compliance officer: `approved` (in scope) or `excluded` (a policy rule now blocks or masks it). */
export const INVENTORY_STATUSES = ['pending', 'approved', 'excluded'] as const;
export type InventoryStatus = (typeof INVENTORY_STATUSES)[number];

/** Longest label text kept (page text, already redacted). */
export const MAX_INVENTORY_LABEL_CHARS = 120;
/** Longest markup value kept (name, id, type, autocomplete). */
export const MAX_INVENTORY_MARKUP_CHARS = 100;

export const inventoryItemSchema = z
  .object({
    id: z.string(),
    kind: z.enum(INVENTORY_KINDS),
    pagePattern: z.string(),
    /** Element path (text-free CSS path); `''` for a page. */
    path: z.string(),
    tag: z.string().nullable(),
    name: z.string().nullable(),
    elementId: z.string().nullable(),
    inputType: z.string().nullable(),
    autocomplete: z.string().nullable(),
    /** Label text from the page (already redacted), never a typed value. */
    label: z.string().nullable(),
    /** Null for a page. */
    capture: z.enum(INVENTORY_CAPTURES).nullable(),
    /** The kind of sensitive data its markup suggests (`ssn`, `dob`, `card`, …), or null. */
    sensitive: z.string().nullable(),
    status: z.enum(INVENTORY_STATUSES),
    firstSeenAt: z.number().int(),
    lastSeenAt: z.number().int(),
    /** Sessions that showed the page (pages only; 0 for elements). */
    sessions: z.number().int(),
    /** Network payload (XHR/fetch) events recorded on the page (pages only). */
    networkPayloadEvents: z.number().int(),
    reviewedAt: z.number().int().nullable(),
    reviewedBy: z.string().nullable(),
    /** The reason given when approving or excluding. */
    reviewNote: z.string().nullable(),
    /** The policy version an exclusion published. */
    policyVersion: z.number().int().nullable(),
    /** The policy rule an exclusion wrote (`blockSelectors: …`, `pageDenyList: …`). */
    rule: z.string().nullable(),
  })
  .meta({ id: 'InventoryItem' });
export type InventoryItem = z.infer<typeof inventoryItemSchema>;

/** Where recordings go once captured: the data-flow picture's right-hand side. */
export const inventoryStorageSchema = z.object({
  engine: z.enum(['sqlite', 'postgres']),
  encryption: z.string(),
  retentionDays: z.number().int(),
  policyVersion: z.number().int(),
  /** The policy records XHR/fetch payloads. */
  networkPayloadsCaptured: z.boolean(),
});
export type InventoryStorage = z.infer<typeof inventoryStorageSchema>;

export const inventoryResponseSchema = z
  .object({
    siteKey: z.string(),
    siteName: z.string(),
    storage: inventoryStorageSchema,
    items: z.array(inventoryItemSchema),
  })
  .meta({ id: 'Inventory' });
export type InventoryResponse = z.infer<typeof inventoryResponseSchema>;

/** `POST …/inventory/{itemId}/approve`. */
export const inventoryApproveBodySchema = z.object({
  note: z.string().trim().max(1000).optional(),
});

/** `POST …/inventory/{itemId}/exclude`: the rule is written as a new policy version with this reason. */
export const inventoryExcludeBodySchema = z.object({
  reason: z.string().trim().min(3).max(1000),
  /** `block`: not captured at all (pages: never recorded); `mask`: text and value masked. @default 'block' */
  action: z.enum(['block', 'mask']).default('block'),
});
