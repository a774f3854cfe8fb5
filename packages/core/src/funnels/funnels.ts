import { pagePattern } from '../heatmap/pagePattern.js';
import { pathMatchesPattern } from '../url/routePattern.js';

/** Most steps a funnel may have. */
export const MAX_FUNNEL_STEPS = 10;
/** Most page paths of one session a funnel or path query reads (the rest is ignored). */
export const MAX_PATHS_PER_SESSION = 200;
/** Most rows a top-paths answer lists. */
export const MAX_TOP_PATHS = 20;
/** What a top-paths answer calls "no page": the session began (before) or ended (after) there. */
export const PATH_ENTRY = '(entry)';
export const PATH_EXIT = '(exit)';

/**
 * Distinct visitors the first step of a funnel (its cohort) needs before any step is shown, as
 * for heatmaps: a small segment (one device, one tag, a short range) shows nothing at all.
 */
export const MIN_FUNNEL_COHORT = 20;
/** Most page views and clicks of one session a funnel reads (the rest is ignored). */
export const MAX_FUNNEL_ITEMS_PER_SESSION = 400;
/** Most clicks of one batch kept for funnels (the rest of the batch's clicks are not). */
export const MAX_FUNNEL_CLICKS_PER_BATCH = 200;

/** One funnel step: a page pattern, and optionally a click on an element path on such a page. */
export interface FunnelStep {
  /** Page pattern as in page targeting (`/item/:id`, `/docs/**`). */
  page: string;
  /** Element path (as heatmaps name elements): the step needs a click on it, not only the page. */
  click?: string | undefined;
}

/** What a session did, in time order: a page view (URL path), or a click on an element of a page. */
export interface FunnelItem {
  page: string;
  click?: string | undefined;
}

/** One session as funnels see it: its visitor (distinct visitors count for k) and its items. */
export interface FunnelSession {
  visitor: string;
  items: readonly FunnelItem[];
}

export interface FunnelReach {
  /** Sessions that reached each step. */
  sessions: number[];
  /** Distinct visitors among them. */
  visitors: number[];
}

/** Whether an item completes a step: a page view matching a page step, or a click on the step's element on a matching page. */
export function stepMatches(step: FunnelStep, item: FunnelItem): boolean {
  if (step.click === undefined) return item.click === undefined && pathMatchesPattern(item.page, step.page);
  return item.click === step.click && pathMatchesPattern(item.page, step.page);
}

/** How many steps a session's items reach: step i counts once steps 0..i matched in that order. */
export function stepsReached(items: readonly FunnelItem[], steps: readonly FunnelStep[]): number {
  let step = 0;
  const n = Math.min(items.length, MAX_FUNNEL_ITEMS_PER_SESSION);
  for (let i = 0; i < n && step < steps.length; i++) {
    if (stepMatches(steps[step] as FunnelStep, items[i] as FunnelItem)) step++;
  }
  return step;
}

/**
 * How many sessions (and distinct visitors) reached each step: a session reaches step i when its
 * items matched steps 0..i in that order (anything else in between is allowed).
 */
export function funnelReach(sessions: Iterable<FunnelSession>, steps: readonly FunnelStep[]): FunnelReach {
  const reached = steps.map(() => 0);
  const visitors = steps.map(() => new Set<string>());
  for (const session of sessions) {
    const step = stepsReached(session.items, steps);
    for (let i = 0; i < step; i++) {
      reached[i] = (reached[i] ?? 0) + 1;
      visitors[i]?.add(session.visitor);
    }
  }
  return { sessions: reached, visitors: visitors.map((v) => v.size) };
}

/** A page view as funnels read it: when, and its URL path; in (time, batch, position) order. */
export interface FunnelPageView {
  ts: number;
  path: string;
}

/** A click on an element as funnels read it; in (time, batch, position) order. */
export interface FunnelClickView {
  ts: number;
  page: string;
  element: string;
}

/**
 * A session's funnel items from its page views and clicks, each list in (time, batch, position)
 * order: page views (a page repeated right after itself once), then clicks merged in by time, a
 * page view before a click at the same instant (a click is on a page); the first
 * `MAX_FUNNEL_ITEMS_PER_SESSION` (a funnel reads no more).
 */
export function funnelItems(
  pages: readonly FunnelPageView[],
  clicks: readonly FunnelClickView[],
): FunnelItem[] {
  const items: Array<{ ts: number; page: string; click?: string }> = [];
  for (const view of pages) {
    const last = items[items.length - 1];
    if (last && last.page === view.path) continue;
    items.push({ ts: view.ts, page: view.path });
  }
  for (const c of clicks) items.push({ ts: c.ts, page: c.page, click: c.element });
  if (clicks.length > 0)
    items.sort((a, b) => a.ts - b.ts || (a.click === undefined ? 0 : 1) - (b.click === undefined ? 0 : 1));
  return items
    .slice(0, MAX_FUNNEL_ITEMS_PER_SESSION)
    .map(({ page, click }) => (click === undefined ? { page } : { page, click }));
}

/**
 * A session's funnel items as kept at ingest, one text per session: a JSON array whose entries
 * are a page view's path, or `[page, element]` for a click. Sessions that did the same share the
 * same text: a funnel groups by it and matches each distinct sequence once.
 */
export function encodeFunnelItems(items: readonly FunnelItem[]): string {
  return JSON.stringify(items.map((i) => (i.click === undefined ? i.page : [i.page, i.click])));
}

/** The items `encodeFunnelItems` wrote; anything malformed is left out. */
export function decodeFunnelItems(text: string): FunnelItem[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const items: FunnelItem[] = [];
  for (const entry of parsed) {
    if (typeof entry === 'string') items.push({ page: entry });
    else if (Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1] === 'string')
      items.push({ page: entry[0], click: entry[1] });
  }
  return items;
}

export interface FunnelStepResult {
  pattern: string;
  click: string | null;
  /** Sessions that reached this step; null when fewer than k distinct visitors did (withheld). */
  sessions: number | null;
  /** Share of the first step's sessions, 0..1; null when withheld. */
  conversion: number | null;
  /** Sessions lost since the step before (null for the first step, or when either is withheld). */
  dropOff: number | null;
}

export interface FunnelResult {
  k: number;
  minCohort: number;
  /** False when the first step has fewer distinct visitors than the minimum cohort (or k): then every step is withheld. */
  cohortShown: boolean;
  steps: FunnelStepResult[];
  /** Steps withheld because fewer than k distinct visitors reached them. */
  suppressed: number;
}

/**
 * The rest of a segment's funnel within a coarser segment (everyone minus a tag, every device
 * class minus one): per step, the sessions the coarser segment has and the segment lacks, and the
 * visitors who reached the step only outside the segment. The segment's visitors of a step are
 * among the coarser segment's (its sessions are), so the rest is the difference of the two counts;
 * `segment` must be counted exactly (no cap), `coarser` at least up to the segment's most visitors
 * plus the threshold, so that a capped count can only make the rest look smaller (withhold).
 */
export function funnelRest(segment: FunnelReach, coarser: FunnelReach): FunnelReach {
  return {
    sessions: coarser.sessions.map((n, i) => Math.max(0, n - (segment.sessions[i] ?? 0))),
    visitors: coarser.visitors.map((n, i) => Math.max(0, n - (segment.visitors[i] ?? 0))),
  };
}

/**
 * A funnel as shown, with the heatmaps' rule: a figure fewer than k distinct visitors make up is
 * withheld (a zero too, so that a withheld step does not tell "a few" from "none"), and a funnel
 * whose first step has fewer than `minCohort` (at least k) distinct visitors shows nothing at all.
 * For a segment, `rests` are its rests within each coarser segment (`funnelRest`): a step whose
 * rest holds some sessions but fewer than k visitors is withheld too, and nothing is shown when
 * the first step's rest holds some but fewer than the minimum cohort, so that subtracting this
 * funnel from a coarser one never shows what a few visitors did.
 */
export function kAnonymousFunnel(
  steps: readonly FunnelStep[],
  reach: FunnelReach,
  k: number,
  minCohort: number = MIN_FUNNEL_COHORT,
  rests: readonly FunnelReach[] = [],
): FunnelResult {
  const first = reach.sessions[0] ?? 0;
  const restOk = (i: number, min: number) =>
    rests.every((r) => (r.sessions[i] ?? 0) <= 0 || (r.visitors[i] ?? 0) >= min);
  const cohortShown = (reach.visitors[0] ?? 0) >= Math.max(k, minCohort) && restOk(0, Math.max(k, minCohort));
  let suppressed = 0;
  const shown = steps.map((step, i): FunnelStepResult => {
    const n = reach.sessions[i] ?? 0;
    const visible = cohortShown && (reach.visitors[i] ?? 0) >= k && restOk(i, k);
    if (!visible) suppressed++;
    return {
      pattern: step.page,
      click: step.click ?? null,
      sessions: visible ? n : null,
      conversion: visible ? n / first : null,
      dropOff: null,
    };
  });
  for (let i = 1; i < shown.length; i++) {
    const before = shown[i - 1]?.sessions ?? null;
    const now = shown[i]?.sessions ?? null;
    const step = shown[i];
    if (step && before !== null && now !== null) step.dropOff = before - now;
  }
  return { k, minCohort: Math.max(k, minCohort), cohortShown, steps: shown, suppressed };
}

export interface TopPath {
  /** The page pattern (`pagePattern`: ids become `:id`), or `PATH_ENTRY` / `PATH_EXIT`. */
  page: string;
  sessions: number;
}

/**
 * Where one session's path row is, around its first visit of a page matching `pattern`: the page
 * pattern of the page right after (or before) it among its page views (clicks left out; at most
 * `MAX_PATHS_PER_SESSION` read), `PATH_EXIT` / `PATH_ENTRY` when there was none; undefined when
 * the session never visited such a page.
 */
export function pathNeighbour(
  items: readonly FunnelItem[],
  pattern: string,
  direction: 'after' | 'before',
  sitePatterns: readonly string[] = [],
): string | undefined {
  const list: string[] = [];
  for (const item of items) {
    if (item.click !== undefined) continue;
    if (list[list.length - 1] === item.page) continue;
    list.push(item.page);
    if (list.length >= MAX_PATHS_PER_SESSION) break;
  }
  const at = list.findIndex((p) => pathMatchesPattern(p, pattern));
  if (at < 0) return undefined;
  const neighbour = direction === 'after' ? list[at + 1] : list[at - 1];
  if (neighbour === undefined) return direction === 'after' ? PATH_EXIT : PATH_ENTRY;
  return pagePattern(neighbour, sitePatterns);
}

/** Sessions and distinct visitors of one path row (visitors may be capped by whoever counted them). */
export interface PathRowReach {
  page: string;
  sessions: number;
  visitors: number;
}

/** The sessions that visited the page, their distinct visitors, and their rows. */
export interface PathReach {
  sessions: number;
  visitors: number;
  rows: PathRowReach[];
}

/**
 * Top paths over sessions as funnels see them (visitor and items), visitors counted exactly: the
 * reference the path counts kept at ingest (`signals.pathReach`) are checked against.
 */
export function pathReach(
  sessions: Iterable<FunnelSession>,
  pattern: string,
  direction: 'after' | 'before',
  sitePatterns: readonly string[] = [],
): PathReach {
  const rows = new Map<string, { sessions: number; visitors: Set<string> }>();
  const all = new Set<string>();
  let n = 0;
  for (const session of sessions) {
    const page = pathNeighbour(session.items, pattern, direction, sitePatterns);
    if (page === undefined) continue;
    n++;
    all.add(session.visitor);
    const row = rows.get(page) ?? { sessions: 0, visitors: new Set<string>() };
    row.sessions++;
    row.visitors.add(session.visitor);
    rows.set(page, row);
  }
  return {
    sessions: n,
    visitors: all.size,
    rows: [...rows].map(([page, r]) => ({ page, sessions: r.sessions, visitors: r.visitors.size })),
  };
}

export interface TopPathsResult {
  k: number;
  minCohort: number;
  /** False when fewer distinct visitors than the minimum cohort (or k) visited the page: nothing is shown. */
  cohortShown: boolean;
  /** Sessions that visited the page; 0 when the cohort is withheld. */
  sessions: number;
  /** Rows withheld because fewer than k distinct visitors made them up (0 when the cohort is withheld). */
  suppressed: number;
  paths: TopPath[];
}

/**
 * Top paths as shown, with the funnels' (and heatmaps') rule: a row fewer than k distinct
 * visitors make up is withheld, however many sessions; when fewer than `minCohort` (at least k)
 * distinct visitors visited the page, nothing is shown. At most `MAX_TOP_PATHS` rows, most
 * sessions first.
 */
export function kAnonymousPaths(
  reach: PathReach,
  k: number,
  minCohort: number = MIN_FUNNEL_COHORT,
): TopPathsResult {
  const cohort = Math.max(k, minCohort);
  const cohortShown = reach.visitors >= cohort;
  const rows = [...reach.rows].sort((a, b) => b.sessions - a.sessions || a.page.localeCompare(b.page));
  const shown = cohortShown ? rows.filter((r) => r.visitors >= k) : [];
  return {
    k,
    minCohort: cohort,
    cohortShown,
    sessions: cohortShown ? reach.sessions : 0,
    // A withheld cohort does not tell how many rows its few visitors made either.
    suppressed: cohortShown ? rows.length - shown.length : 0,
    paths: shown.slice(0, MAX_TOP_PATHS).map((r) => ({ page: r.page, sessions: r.sessions })),
  };
}
