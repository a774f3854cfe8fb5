import { REFERRER_CLASSES, type ReferrerClass } from './heatmapEvents.js';

/** New or returning visitor: a session is `new` when it is the visitor's first. */
export const VISITOR_KINDS = ['new', 'returning'] as const;
export type VisitorKind = (typeof VISITOR_KINDS)[number];

/** A session's segment: fixed when its first heatmap data is counted. Device class is kept apart. */
export interface SessionSegment {
  visitor: VisitorKind;
  referrer: ReferrerClass;
  /** ISO 3166-1 alpha-2 region, or null when regions are not enabled (or unknown). */
  region: string | null;
  /** `veil('tag', key, value)` tags, values as strings. */
  tags: ReadonlyArray<readonly [string, string]>;
}

/** What a heatmap query filters on besides page, device class and dates. Every field is optional. */
export interface SegmentFilter {
  visitor?: VisitorKind;
  referrer?: ReferrerClass;
  region?: string;
  tag?: readonly [string, string];
}

/** "Any value" in a segment key. */
export const ANY_SEGMENT_VALUE = '*';
/** Tags of one session that count towards tag segments (the first ones set). */
export const MAX_SEGMENT_TAGS = 10;
export const MAX_SEGMENT_TAG_CHARS = 100;

const enc = (s: string): string => encodeURIComponent(s.slice(0, MAX_SEGMENT_TAG_CHARS));

/**
 * The canonical key of one segment: `v=new;r=search;g=*;t=` or, for a tag, `v=*;r=*;g=*;t=plan=pro`.
 * Aggregate rows are stored under segment keys, so that any supported filter reads one key.
 */
export function segmentKey(filter: SegmentFilter): string {
  const any = ANY_SEGMENT_VALUE;
  const tag = filter.tag ? `${enc(filter.tag[0])}=${enc(filter.tag[1])}` : '';
  return `v=${filter.visitor ?? any};r=${filter.referrer ?? any};g=${filter.region ?? any};t=${tag}`;
}

/** Why a filter cannot be answered from the aggregates, or null. */
export function unsupportedSegmentFilter(filter: SegmentFilter): string | null {
  if (filter.tag && (filter.visitor || filter.referrer || filter.region)) {
    return 'a tag filter combines only with dates and device class';
  }
  if (filter.referrer && !(REFERRER_CLASSES as readonly string[]).includes(filter.referrer)) {
    return `unknown referrer class ${filter.referrer}`;
  }
  return null;
}

/**
 * Every segment key a session's data is counted under: each combination of its visitor kind,
 * referrer class and region (each either its value or "any"), plus one key per tag. A session
 * lies in exactly one full combination, so distinct-session counts add up across keys.
 */
export function segmentKeysOf(segment: SessionSegment): string[] {
  const keys: string[] = [];
  for (const visitor of [segment.visitor, undefined]) {
    for (const referrer of [segment.referrer, undefined]) {
      for (const region of segment.region ? [segment.region, undefined] : [undefined]) {
        keys.push(segmentKey({ visitor, referrer, region }));
      }
    }
  }
  const seen = new Set<string>();
  for (const tag of segment.tags.slice(0, MAX_SEGMENT_TAGS)) {
    const key = segmentKey({ tag });
    if (!seen.has(key)) keys.push(key);
    seen.add(key);
  }
  return keys;
}
