import { z } from 'zod';
import {
  MAX_ATTENTION_CELLS_PER_EVENT,
  MAX_ATTENTION_ELEMENTS_PER_EVENT,
  MAX_ELEMENT_PATH_CHARS,
  MAX_PAGE_COORDINATE_PX,
  MAX_PAGE_PATH_CHARS,
} from './heatmapConstants.js';
import {
  type HeatmapAttentionPayload,
  type HeatmapClickPayload,
  type HeatmapLayoutPayload,
  type HeatmapScrollPayload,
  HeatmapTag,
  type HeatmapViewPayload,
  REFERRER_CLASSES,
  type SerializedNodeLike,
} from './heatmapEvents.js';

// The server's view of the heatmap events (the recorder builds them without zod). A payload that
// does not parse is dropped and counted, never half-used.

const px = z.number().finite().min(0).max(MAX_PAGE_COORDINATE_PX);
const size = z.number().finite().min(0).max(MAX_PAGE_COORDINATE_PX);
const unit = z.number().finite().min(0).max(1);
const pagePath = z.string().startsWith('/').max(MAX_PAGE_PATH_CHARS);
/** Element paths are selectors of tags, `:nth-of-type(n)`, stable ids and `>`: nothing else. */
const elementPathSchema = z
  .string()
  .min(1)
  .max(MAX_ELEMENT_PATH_CHARS)
  .regex(/^[A-Za-z][\w\-#:()>]*$/, 'element path must be tags, :nth-of-type() and stable ids');

export const heatmapViewPayloadSchema = z.object({
  path: pagePath,
  mode: z.enum(['replay', 'heatmap']),
  vw: size,
  vh: size,
  dw: size,
  dh: size,
  ref: z.enum(REFERRER_CLASSES),
  nv: z.boolean(),
  wd: z.boolean().optional(),
}) satisfies z.ZodType<HeatmapViewPayload>;

export const heatmapClickPayloadSchema = z.object({
  path: pagePath,
  el: elementPathSchema,
  rx: unit,
  ry: unit,
  x: px,
  y: px,
  vw: size,
  vh: size,
  dw: size,
  dh: size,
  rage: z.boolean(),
  dead: z.boolean(),
  touch: z.boolean().optional(),
}) satisfies z.ZodType<HeatmapClickPayload>;

export const heatmapScrollPayloadSchema = z.object({
  path: pagePath,
  vw: size,
  vh: size,
  dh: size,
  pct: z.number().finite().min(0).max(100),
  prev: z.number().finite().min(0).max(100).optional(),
}) satisfies z.ZodType<HeatmapScrollPayload>;

const cellIndex = z.number().int().min(0).max(MAX_PAGE_COORDINATE_PX);
const dwellMs = z
  .number()
  .finite()
  .min(0)
  .max(24 * 60 * 60 * 1000);

export const heatmapAttentionPayloadSchema = z.object({
  path: pagePath,
  vw: size,
  cells: z.array(z.tuple([cellIndex, cellIndex, dwellMs])).max(MAX_ATTENTION_CELLS_PER_EVENT),
  els: z.array(z.tuple([elementPathSchema, dwellMs])).max(MAX_ATTENTION_ELEMENTS_PER_EVENT),
}) satisfies z.ZodType<HeatmapAttentionPayload>;

const serializedNodeSchema: z.ZodType<SerializedNodeLike> = z.lazy(() =>
  z
    .object({
      type: z.number().int().min(0).max(5),
      id: z.number().optional(),
      tagName: z.string().max(200).optional(),
      attributes: z.record(z.string(), z.unknown()).optional(),
      childNodes: z.array(serializedNodeSchema).optional(),
      textContent: z.string().optional(),
    })
    .loose(),
);

export const heatmapLayoutPayloadSchema = z.object({
  path: pagePath,
  vw: size,
  vh: size,
  dw: size,
  dh: size,
  node: serializedNodeSchema,
}) satisfies z.ZodType<HeatmapLayoutPayload>;

/** A heatmap event after parsing: its tag and typed payload. */
export type ParsedHeatmapEvent =
  | { tag: typeof HeatmapTag.View; timestamp: number; payload: HeatmapViewPayload }
  | { tag: typeof HeatmapTag.Click; timestamp: number; payload: HeatmapClickPayload }
  | { tag: typeof HeatmapTag.Scroll; timestamp: number; payload: HeatmapScrollPayload }
  | { tag: typeof HeatmapTag.Attention; timestamp: number; payload: HeatmapAttentionPayload }
  | { tag: typeof HeatmapTag.Layout; timestamp: number; payload: HeatmapLayoutPayload };

const SCHEMAS = {
  [HeatmapTag.View]: heatmapViewPayloadSchema,
  [HeatmapTag.Click]: heatmapClickPayloadSchema,
  [HeatmapTag.Scroll]: heatmapScrollPayloadSchema,
  [HeatmapTag.Attention]: heatmapAttentionPayloadSchema,
  [HeatmapTag.Layout]: heatmapLayoutPayloadSchema,
} as const;

/** True for a tag of Veil's heatmap events. */
export function isHeatmapTag(tag: unknown): tag is HeatmapTag {
  return typeof tag === 'string' && Object.hasOwn(SCHEMAS, tag);
}

/**
 * Parses one rrweb event as a heatmap event: null when it is not one (another event type or
 * custom tag), `invalid` when it claims to be one and its payload does not parse.
 */
export function parseHeatmapEvent(event: {
  type: number;
  timestamp: number;
  data?: unknown;
}): ParsedHeatmapEvent | 'invalid' | null {
  if (event.type !== 5 || typeof event.data !== 'object' || event.data === null) return null;
  const { tag, payload } = event.data as { tag?: unknown; payload?: unknown };
  if (!isHeatmapTag(tag)) return null;
  const parsed = SCHEMAS[tag].safeParse(payload);
  if (!parsed.success) return 'invalid';
  return { tag, timestamp: event.timestamp, payload: parsed.data } as ParsedHeatmapEvent;
}
