import { type ClickTargetKind, elementPath } from '@veil/core';

/** Elements a click means as a whole: a click on the icon inside a button is a click on the button. */
const CLICKABLE =
  'a,button,label,summary,select,input,textarea,[role=button],[role=link],[role=tab],[role=menuitem],[role=checkbox],[role=radio],[role=switch],[onclick]';
const FIELD = 'input,textarea,select,option,label,[contenteditable]:not([contenteditable=false])';
const LINK = 'a[href],area[href]';
const BUTTON_INPUT = /^(button|submit|reset|image)$/i;

/**
 * The element a click or hover is counted on: the outermost blocked element around the target
 * when there is one (its inside is not captured: the snapshot holds only its box), else the
 * clickable element around the target, else the outermost `svg` around it, else the target.
 */
export function clickTargetOf(target: Element, blockSelector: string): Element {
  // An invalid site selector throws here, and the guarded listener drops the event (fails closed):
  // falling through to the ordinary target would count paths inside what should be blocked.
  let blocked: Element | null = null;
  for (let b = target.closest(blockSelector); b; b = b.parentElement?.closest(blockSelector) ?? null) {
    blocked = b;
  }
  if (blocked) return blocked;
  const clickable = target.closest(CLICKABLE);
  if (clickable) return clickable;
  let svg: Element | null = null;
  for (let s = target.closest('svg'); s; s = s.parentElement?.closest('svg') ?? null) svg = s;
  return svg ?? target;
}

/** How dead-click detection treats a click on this element (see `ClickTargetKind`). */
export function clickTargetKind(el: Element): ClickTargetKind {
  if (el.closest(LINK)) {
    const href = (el.closest(LINK)?.getAttribute('href') ?? '').trim();
    // `#` and `javascript:` links navigate nowhere: the page's script must respond.
    if (href !== '' && href !== '#' && !/^javascript:/i.test(href)) return 'link';
  }
  if (el.matches(FIELD) && !(el instanceof HTMLInputElement && BUTTON_INPUT.test(el.type))) return 'field';
  if (el.closest(CLICKABLE)) return 'control';
  try {
    if (getComputedStyle(el).cursor === 'pointer') return 'control';
  } catch {
    // Detached or foreign element: judge it plain.
  }
  return 'plain';
}

/** The element's path, its stable ids checked for uniqueness in its document. */
export function pathOf(el: Element): string {
  return elementPath(el, {
    idIsUnique: (node) => (node as Element).ownerDocument?.getElementById((node as Element).id) === node,
  });
}

/** Sizes of the page, CSS px. */
export function pageGeometry(): { vw: number; vh: number; dw: number; dh: number } {
  const root = document.documentElement;
  const body = document.body;
  return {
    vw: window.innerWidth,
    vh: window.innerHeight,
    dw: Math.max(root.scrollWidth, body?.scrollWidth ?? 0),
    dh: Math.max(root.scrollHeight, body?.scrollHeight ?? 0),
  };
}
