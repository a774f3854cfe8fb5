import { randomBytes } from 'node:crypto';
import { type PrivacyPolicy, parsePrivacyPolicy, type RecordedEvent } from '@veil/core';
import type { LightMyRequestResponse } from 'fastify';
import { VISITOR_BITMAP_BITS } from '../../src/heatmap/visitorBitmap.js';
import type { SiteRecord } from '../../src/storage/sites/SiteRepository.js';
import { makeBatch, moveEvent, sessionId } from './batches.js';
import { attentionEvent, clickEvent, viewEvent } from './heatmapEvents.js';
import { SITE_ORIGIN, type TestApp } from './testApp.js';

/** A site recording under a documented legitimate interest (no consent receipts needed), everyone sampled. */
export async function heatmapSite(t: TestApp, policy: Partial<PrivacyPolicy> = {}): Promise<SiteRecord> {
  return t.app.veil.store.sites.create({
    siteKey: `site_hm_${randomBytes(6).toString('hex')}`,
    name: 'Heatmap shop',
    origins: [SITE_ORIGIN],
    policy: parsePrivacyPolicy({
      lawfulBasis: 'legitimate_interest',
      legitimateInterestAssessment: {
        purpose: 'improve the checkout',
        necessity: 'aggregates only',
        balancing: 'masked, short retention',
        safeguards: 'k-anonymous heatmaps',
      },
      samplingPercent: 100,
      ...policy,
    }),
    createdAt: t.clock.now(),
  });
}

export const BROWSER_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

export interface Click {
  el?: string;
  rx?: number;
  ry?: number;
  x?: number;
  y?: number;
  rage?: boolean;
  dead?: boolean;
}

export interface Visit {
  path?: string;
  vw?: number;
  nv?: boolean;
  ref?: 'direct' | 'internal' | 'search' | 'social' | 'email' | 'paid' | 'other';
  clicks?: Click[];
  /** Events after the clicks. */
  extra?: (t0: number) => RecordedEvent[];
  mode?: 'replay' | 'heatmap';
  userAgent?: string;
  /** Session length covered by the batch, ms (the policy's minimum is 3 s). */
  durationMs?: number;
  sessionId?: string;
  /** The visitor (default: a new visitor per session, `defaultVisitor`; the minimum cohort counts visitors). */
  visitorId?: string;
  seq?: number;
  /** More request headers (a proxy's country header). */
  headers?: Record<string, string>;
}

/** Per site: the visitor bits its visitors took, and each session's default visitor. */
const siteVisitors = new Map<string, { bits: Set<number>; bySession: Map<string, string> }>();

function visitorsOf(site: SiteRecord) {
  let own = siteVisitors.get(site.id);
  if (!own) {
    own = { bits: new Set(), bySession: new Map() };
    siteVisitors.set(site.id, own);
  }
  return own;
}

const bitOf = (t: TestApp, site: SiteRecord, visitorId: string): number =>
  t.app.veil.hasher.heatmapVisitorBit(site.id, visitorId, VISITOR_BITMAP_BITS);

/**
 * The default visitor of a session on `site`: its own visitor, the same for every batch of the
 * session, whose visitor bit (`SubjectHasher.heatmapVisitorBit`, keyed by the app's secret) no
 * other default visitor of the site has. Distinct visitors are counted by these bits, and two of
 * 4096 random bits collide about once in 400 sites of six visitors: a test of "6 sessions, 6
 * visitors, k = 5" then saw 5 (or 4) and withheld what it expected to see. A visitor a test
 * names (`Visit.visitorId`) keeps its id, and default visitors after it avoid its bit.
 */
export function defaultVisitor(t: TestApp, site: SiteRecord, sessionId: string): string {
  const own = visitorsOf(site);
  const known = own.bySession.get(sessionId);
  if (known !== undefined) return known;
  if (own.bits.size >= VISITOR_BITMAP_BITS) throw new Error('no visitor bit left on this site');
  for (let n = 0; ; n++) {
    const visitorId = `visitor_${n}_${sessionId}`.slice(0, 64);
    const bit = bitOf(t, site, visitorId);
    if (own.bits.has(bit)) continue;
    own.bits.add(bit);
    own.bySession.set(sessionId, visitorId);
    return visitorId;
  }
}

/** A visitor named by a test: its bit is taken, so that later default visitors are distinct from it. */
function namedVisitor(t: TestApp, site: SiteRecord, visitorId: string): string {
  visitorsOf(site).bits.add(bitOf(t, site, visitorId));
  return visitorId;
}

/** One session's batch on the site: its page view, clicks a second apart, and activity until `durationMs`. */
export async function visit(
  t: TestApp,
  site: SiteRecord,
  v: Visit = {},
): Promise<{ sessionId: string; res: LightMyRequestResponse }> {
  const id = v.sessionId ?? sessionId();
  const t0 = t.clock.now();
  const path = v.path ?? '/';
  const vw = v.vw ?? 1280;
  const events: RecordedEvent[] = [
    viewEvent(t0, { path, vw, nv: v.nv ?? true, ref: v.ref ?? 'direct', mode: v.mode ?? 'replay' }),
    ...(v.clicks ?? []).map((c, i) => clickEvent(t0 + 100 + i * 700, { path, vw, ...c })),
    ...(v.extra?.(t0) ?? []),
  ];
  // Activity until the session is long enough to count (heatmap-only capture has no rrweb events).
  const end = t0 + (v.durationMs ?? 4_000);
  events.push(v.mode === 'heatmap' ? attentionEvent(end, { path, vw }) : moveEvent(end));
  const res = await t.ingest(
    makeBatch({
      siteKey: site.siteKey,
      sessionId: id,
      visitorId: v.visitorId === undefined ? defaultVisitor(t, site, id) : namedVisitor(t, site, v.visitorId),
      seq: v.seq ?? 0,
      sentAt: t0,
      events,
    }),
    {
      'user-agent': v.userAgent ?? BROWSER_UA,
      ...v.headers,
    },
  );
  return { sessionId: id, res };
}
