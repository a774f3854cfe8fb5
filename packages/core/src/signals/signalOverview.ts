import { z } from 'zod';
import { pagePattern } from '../heatmap/pagePattern.js';
import { MS_PER_DAY } from '../heatmap/timeBuckets.js';
import { SIGNAL_KINDS, type SignalCounts, type SignalKind } from './sessionSignals.js';

/** Most pages a site overview lists. */
export const MAX_OVERVIEW_PAGES = 20;

/** One UTC day of a site: its sessions, and per signal how many of them had it (counted at ingest). */
export interface SignalDayRow {
  /** UTC day number (`utcDay`). */
  day: number;
  sessions: number;
  withSignal: SignalCounts;
}

/** One session's visit of one page, with that session's signal counts. */
export interface PageSessionSignals {
  sessionId: string;
  /** URL path of the page (query and fragment already dropped at ingest). */
  path: string;
  signals: SignalCounts;
}

const nullableCount = z.number().int().nullable();
const signalFigures = z.object(
  Object.fromEntries(SIGNAL_KINDS.map((k) => [k, nullableCount])) as Record<SignalKind, typeof nullableCount>,
);

/** `GET /api/v1/sites/{siteKey}/signals/overview`: frustration trends and the most frustrating pages. */
export const signalOverviewSchema = z
  .object({
    from: z.number().int(),
    to: z.number().int(),
    k: z.number().int().describe('sessions a figure needs before it is shown'),
    days: z.array(
      z.object({
        /** Midnight UTC of the day (ms). */
        day: z.number().int(),
        /** Sessions Veil received that day; null when fewer than k (the day is withheld). */
        sessions: nullableCount,
        /** Per signal, the sessions of that day that had it; null when fewer than k. */
        withSignal: signalFigures,
      }),
    ),
    pages: z.array(
      z.object({
        /** Page pattern (ids become `:id`, the policy's `heatmapPagePatterns` first). */
        page: z.string(),
        /** Sessions that visited the page. */
        sessions: z.number().int(),
        /** Of those, sessions with at least one frustration or error signal. */
        frustrated: z.number().int(),
        /** Per signal, sessions that visited the page and had it; null when fewer than k. */
        withSignal: signalFigures,
      }),
    ),
    /** Days and pages withheld because fewer than k sessions make them up. */
    suppressed: z.object({ days: z.number().int(), pages: z.number().int() }),
  })
  .meta({ id: 'SignalOverview' });
export type SignalOverview = z.infer<typeof signalOverviewSchema>;

function shownFigures(counts: SignalCounts, k: number): Record<SignalKind, number | null> {
  return Object.fromEntries(
    SIGNAL_KINDS.map((kind) => [kind, counts[kind] >= k ? counts[kind] : null]),
  ) as Record<SignalKind, number | null>;
}

const emptyCounts = (): SignalCounts =>
  Object.fromEntries(SIGNAL_KINDS.map((kind) => [kind, 0])) as SignalCounts;

/**
 * The site overview with the heatmaps' k-anonymity: a day with fewer than k sessions shows nothing
 * (counted in `suppressed.days`); a signal figure fewer than k sessions make up shows null (a zero
 * too, so that "withheld" does not tell "a few" from "none"); a page is listed only when at least k
 * frustrated sessions visited it (the rest counted in `suppressed.pages`), the largest share of
 * frustrated sessions first (then the most frustrated sessions),
 * at most `MAX_OVERVIEW_PAGES`. Every day of the range is listed, oldest first.
 */
export function kAnonymousOverview(input: {
  from: number;
  to: number;
  days: readonly SignalDayRow[];
  pages: Iterable<PageSessionSignals>;
  k: number;
  sitePatterns?: readonly string[];
}): Omit<SignalOverview, 'from' | 'to'> {
  const { k } = input;
  const byDay = new Map(input.days.map((d) => [d.day, d]));
  const days: SignalOverview['days'] = [];
  let suppressedDays = 0;
  const first = Math.floor(input.from / MS_PER_DAY);
  const last = Math.floor(input.to / MS_PER_DAY);
  for (let day = first; day <= last; day++) {
    const row = byDay.get(day);
    const sessions = row?.sessions ?? 0;
    if (sessions > 0 && sessions < k) suppressedDays++;
    days.push({
      day: day * MS_PER_DAY,
      sessions: sessions >= k ? sessions : null,
      withSignal: shownFigures(sessions >= k && row ? row.withSignal : emptyCounts(), k),
    });
  }

  // Per page pattern: each session counted once, whatever it did on other pages.
  const pages = new Map<
    string,
    { sessions: Set<string>; frustrated: Set<string>; withSignal: SignalCounts }
  >();
  for (const visit of input.pages) {
    const page = pagePattern(visit.path, input.sitePatterns ?? []);
    let entry = pages.get(page);
    if (!entry) {
      entry = { sessions: new Set(), frustrated: new Set(), withSignal: emptyCounts() };
      pages.set(page, entry);
    }
    if (entry.sessions.has(visit.sessionId)) continue;
    entry.sessions.add(visit.sessionId);
    let frustrated = false;
    for (const kind of SIGNAL_KINDS) {
      if (visit.signals[kind] > 0) {
        entry.withSignal[kind]++;
        frustrated = true;
      }
    }
    if (frustrated) entry.frustrated.add(visit.sessionId);
  }
  const rows = [...pages].map(([page, e]) => ({
    page,
    sessions: e.sessions.size,
    frustrated: e.frustrated.size,
    withSignal: e.withSignal,
  }));
  const shown = rows.filter((r) => r.frustrated >= k);
  // By share of frustrated sessions: a landing page every session passes through would otherwise
  // top the list only because the frustration happened later in those sessions.
  shown.sort(
    (a, b) =>
      b.frustrated * a.sessions - a.frustrated * b.sessions ||
      b.frustrated - a.frustrated ||
      a.page.localeCompare(b.page),
  );
  return {
    k,
    days,
    pages: shown
      .slice(0, MAX_OVERVIEW_PAGES)
      .map((r) => ({ ...r, withSignal: shownFigures(r.withSignal, k) })),
    suppressed: {
      days: suppressedDays,
      pages: rows.filter((r) => r.frustrated > 0 && r.frustrated < k).length,
    },
  };
}
