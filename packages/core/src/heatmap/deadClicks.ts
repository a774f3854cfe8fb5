import { DEAD_CLICK_WINDOW_MS, POINTER_DOWN_LEAD_MAX_MS } from './heatmapConstants.js';

/**
 * What kind of element a click landed on, as far as dead-click detection cares:
 * - `control`: looks clickable (button, link without a destination, `role=button`, pointer cursor);
 * - `link`: a link with a destination (it navigates, maybe in a new tab or as a download);
 * - `field`: a form field or editable text (a click focuses it; no DOM change is expected);
 * - `plain`: anything else (text, background).
 * Only a `control` can be dead: nothing visible is expected from a click on text or a field.
 */
export type ClickTargetKind = 'control' | 'link' | 'field' | 'plain';

/** One click as dead-click detection sees it (ms, one clock). */
export interface ClickTiming {
  kind: ClickTargetKind;
  clickAt: number;
  /** Its `pointerdown`: pages often react on press, before the click. */
  pointerDownAt?: number;
  /**
   * The first response seen inside the window: a DOM mutation, a navigation (history, hash,
   * unload), a scroll, or another visible reaction (a form's validation message, the page hiding
   * because a new tab opened).
   */
  respondedAt?: number;
}

/** The interval in which a response counts for this click: from its press to `windowMs` after it. */
export function responseWindow(
  click: Pick<ClickTiming, 'clickAt' | 'pointerDownAt'>,
  windowMs: number = DEAD_CLICK_WINDOW_MS,
): { from: number; until: number } {
  const lead = click.pointerDownAt;
  const from =
    lead !== undefined && lead <= click.clickAt && click.clickAt - lead <= POINTER_DOWN_LEAD_MAX_MS
      ? lead
      : click.clickAt;
  return { from, until: click.clickAt + windowMs };
}

/** Whether a response at `t` answers this click. */
export function respondsTo(click: ClickTiming, t: number, windowMs: number = DEAD_CLICK_WINDOW_MS): boolean {
  const { from, until } = responseWindow(click, windowMs);
  return t >= from && t <= until;
}

export type DeadClickVerdict = 'alive' | 'dead' | 'pending';

/**
 * Dead clicks: a click on a control after which, within `windowMs`, the DOM did not change, the
 * page did not navigate or scroll and nothing else visible happened. `pending` while the window
 * is open and nothing has responded yet.
 */
export function deadClickVerdict(
  click: ClickTiming,
  now: number,
  windowMs: number = DEAD_CLICK_WINDOW_MS,
): DeadClickVerdict {
  if (click.kind !== 'control') return 'alive';
  if (click.respondedAt !== undefined && respondsTo(click, click.respondedAt, windowMs)) return 'alive';
  return now > responseWindow(click, windowMs).until ? 'dead' : 'pending';
}
