import { randomBytes } from 'node:crypto';
import { type PrivacyPolicy, parsePrivacyPolicy, type RecordedEvent } from '@veil/core';
import type { LightMyRequestResponse } from 'fastify';
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
  /** The visitor (default: a new visitor per session; the minimum cohort counts visitors). */
  visitorId?: string;
  seq?: number;
  /** More request headers (a proxy's country header). */
  headers?: Record<string, string>;
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
      visitorId: v.visitorId ?? `visitor_${id}`.slice(0, 64),
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
