import {
  type DeviceClass,
  HEATMAP_MODES,
  type HeatmapMode,
  MS_PER_DAY,
  parseDeviceClass,
  REFERRER_CLASSES,
  VISITOR_KINDS,
  type VisitorKind,
} from '@veil/core';
import type { HeatmapQuery } from './heatmapApi';

/** One side of the heatmap screen: segment and date range. */
export interface SegmentChoice {
  /** Last N days, or an explicit range (`from`/`to` as YYYY-MM-DD, UTC). */
  days: number;
  from: string | null;
  to: string | null;
  visitor: VisitorKind | null;
  referrer: string | null;
  tag: [string, string] | null;
}

/** Everything the heatmap screen shows, kept in the URL so a view can be shared and reloaded. */
export interface HeatmapView {
  page: string | null;
  mode: HeatmapMode;
  device: DeviceClass;
  /** Click maps: positions by element (lining up across layouts) or by page coordinates. */
  by: 'element' | 'page';
  a: SegmentChoice;
  /** The second side when comparing, else null. */
  b: SegmentChoice | null;
}

export const DAY_CHOICES = [7, 30, 90] as const;
export const DEFAULT_DAYS = 30;

export const EMPTY_SEGMENT: SegmentChoice = {
  days: DEFAULT_DAYS,
  from: null,
  to: null,
  visitor: null,
  referrer: null,
  tag: null,
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function segmentFrom(p: URLSearchParams, prefix: string): SegmentChoice {
  const get = (k: string) => p.get(`${prefix}${k}`);
  const days = Number(get('days'));
  const from = get('from');
  const to = get('to');
  const visitor = get('visitor');
  const referrer = get('referrer');
  const tag = get('tag');
  const colon = tag?.indexOf(':') ?? -1;
  return {
    days: (DAY_CHOICES as readonly number[]).includes(days) ? days : DEFAULT_DAYS,
    from: from && DATE.test(from) ? from : null,
    to: to && DATE.test(to) ? to : null,
    visitor: VISITOR_KINDS.find((k) => k === visitor) ?? null,
    referrer: referrer && (REFERRER_CLASSES as readonly string[]).includes(referrer) ? referrer : null,
    tag: tag && colon > 0 ? [tag.slice(0, colon), tag.slice(colon + 1)] : null,
  };
}

function segmentTo(p: URLSearchParams, prefix: string, s: SegmentChoice): void {
  if (s.from && s.to) {
    p.set(`${prefix}from`, s.from);
    p.set(`${prefix}to`, s.to);
  } else if (s.days !== DEFAULT_DAYS) p.set(`${prefix}days`, String(s.days));
  if (s.visitor) p.set(`${prefix}visitor`, s.visitor);
  if (s.referrer) p.set(`${prefix}referrer`, s.referrer);
  if (s.tag) p.set(`${prefix}tag`, `${s.tag[0]}:${s.tag[1]}`);
}

/** Reads a view from `location.search`; anything malformed falls back to its default. */
export function parseHeatmapView(search: string): HeatmapView {
  const p = new URLSearchParams(search);
  const mode = p.get('mode');
  const device = p.get('device');
  const page = p.get('page');
  return {
    page: page?.startsWith('/') ? page : null,
    mode: (HEATMAP_MODES as readonly string[]).includes(mode ?? '') ? (mode as HeatmapMode) : 'click',
    device: parseDeviceClass(device) ?? 'desktop',
    by: p.get('by') === 'page' ? 'page' : 'element',
    a: segmentFrom(p, ''),
    b: p.get('compare') === '1' ? segmentFrom(p, 'b.') : null,
  };
}

/** The canonical search string of a view (defaults left out). */
export function heatmapViewToSearch(v: HeatmapView): string {
  const p = new URLSearchParams();
  if (v.page) p.set('page', v.page);
  if (v.mode !== 'click') p.set('mode', v.mode);
  if (v.device !== 'desktop') p.set('device', v.device);
  if (v.by !== 'element') p.set('by', v.by);
  segmentTo(p, '', v.a);
  if (v.b) {
    p.set('compare', '1');
    segmentTo(p, 'b.', v.b);
  }
  const s = p.toString();
  return s === '' ? '' : `?${s}`;
}

/** The API query of one side: the date range in ms (UTC days, to the end of `to`). */
export function queryOf(s: SegmentChoice, device: DeviceClass, now: number): HeatmapQuery {
  let from: number;
  let to: number;
  if (s.from && s.to) {
    from = Date.parse(`${s.from}T00:00:00Z`);
    to = Date.parse(`${s.to}T23:59:59.999Z`);
    if (from > to) [from, to] = [Date.parse(`${s.to}T00:00:00Z`), Date.parse(`${s.from}T23:59:59.999Z`)];
  } else {
    to = now;
    from = now - (s.days - 1) * MS_PER_DAY;
  }
  return {
    device,
    from,
    to,
    visitor: s.visitor ?? undefined,
    referrer: s.referrer ?? undefined,
    tag: s.tag ?? undefined,
  };
}

/** A short description of a side, for panel titles ("Last 30 days · new visitors · search"). */
export function describeSegment(s: SegmentChoice): string {
  const parts = [s.from && s.to ? `${s.from} to ${s.to}` : `Last ${s.days} days`];
  if (s.visitor) parts.push(s.visitor === 'new' ? 'new visitors' : 'returning visitors');
  if (s.referrer) parts.push(`from ${s.referrer}`);
  if (s.tag) parts.push(`${s.tag[0]} = ${s.tag[1]}`);
  return parts.join(' · ');
}
