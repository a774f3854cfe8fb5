import { kAnonymous } from '../heatmap/kAnonymity.js';
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
 * How many sessions reached each step of a funnel: a session reaches step i when it visited pages
 * matching steps 0..i in that order (other pages in between are allowed). `sequences` are each
 * session's page paths in time order.
 */
export function funnelReach(sequences: Iterable<readonly string[]>, steps: readonly string[]): number[] {
  const reached = steps.map(() => 0);
  for (const sequence of sequences) {
    let step = 0;
    for (const path of sequence.slice(0, MAX_PATHS_PER_SESSION)) {
      const pattern = steps[step];
      if (pattern === undefined) break;
      if (pathMatchesPattern(path, pattern)) step++;
    }
    for (let i = 0; i < step; i++) reached[i] = (reached[i] ?? 0) + 1;
  }
  return reached;
}

export interface FunnelStepResult {
  pattern: string;
  /** Sessions that reached this step; null when fewer than k did (withheld). */
  sessions: number | null;
  /** Share of the first step's sessions, 0..1; null when withheld. */
  conversion: number | null;
  /** Sessions lost since the step before (null for the first step, or when either is withheld). */
  dropOff: number | null;
}

export interface FunnelResult {
  k: number;
  /** False when the first step's cohort is below k: then every step is withheld. */
  cohortShown: boolean;
  steps: FunnelStepResult[];
  /** Steps withheld because fewer than k sessions reached them. */
  suppressed: number;
}

/**
 * A funnel as shown: like heatmaps, a figure fewer than k sessions make up is withheld (a zero
 * too, so that a withheld step does not tell "between 1 and k-1" from "none"), and a funnel whose
 * first step has fewer than k sessions shows nothing at all (minimum cohort).
 */
export function kAnonymousFunnel(
  steps: readonly string[],
  reached: readonly number[],
  k: number,
): FunnelResult {
  const first = reached[0] ?? 0;
  const cohortShown = first >= k;
  let suppressed = 0;
  const shown = steps.map((pattern, i): FunnelStepResult => {
    const n = reached[i] ?? 0;
    const visible = cohortShown && n >= k;
    if (!visible) suppressed++;
    return { pattern, sessions: visible ? n : null, conversion: visible ? n / first : null, dropOff: null };
  });
  for (let i = 1; i < shown.length; i++) {
    const before = shown[i - 1]?.sessions ?? null;
    const now = shown[i]?.sessions ?? null;
    const step = shown[i];
    if (step && before !== null && now !== null) step.dropOff = before - now;
  }
  return { k, cohortShown, steps: shown, suppressed };
}

export interface TopPath {
  /** The page pattern (`pagePattern`: ids become `:id`), or `PATH_ENTRY` / `PATH_EXIT`. */
  page: string;
  sessions: number;
}

/**
 * The pages sessions went to right after (or came from right before) their first visit of a page
 * matching `pattern`, by page pattern, each session counted once; rows fewer than k sessions make
 * up are withheld. At most `MAX_TOP_PATHS` rows, most sessions first.
 */
export function topPaths(
  sequences: Iterable<readonly string[]>,
  pattern: string,
  direction: 'after' | 'before',
  k: number,
  sitePatterns: readonly string[] = [],
): { paths: TopPath[]; sessions: number; suppressed: number } {
  const counts = new Map<string, number>();
  let sessions = 0;
  for (const sequence of sequences) {
    const list = sequence.slice(0, MAX_PATHS_PER_SESSION);
    const at = list.findIndex((p) => pathMatchesPattern(p, pattern));
    if (at < 0) continue;
    sessions++;
    const neighbour = direction === 'after' ? list[at + 1] : list[at - 1];
    const page =
      neighbour === undefined
        ? direction === 'after'
          ? PATH_EXIT
          : PATH_ENTRY
        : pagePattern(neighbour, sitePatterns);
    counts.set(page, (counts.get(page) ?? 0) + 1);
  }
  const rows = [...counts].map(([page, n]) => ({ page, sessions: n }));
  rows.sort((a, b) => b.sessions - a.sessions || a.page.localeCompare(b.page));
  const { shown, suppressed } = kAnonymous(rows, (r) => r.sessions, k);
  return { paths: shown.slice(0, MAX_TOP_PATHS), sessions: sessions >= k ? sessions : 0, suppressed };
}
