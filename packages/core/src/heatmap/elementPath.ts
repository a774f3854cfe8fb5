import { MAX_ELEMENT_PATH_CHARS } from './heatmapConstants.js';

/** What an element path needs of a DOM element (structural: core has no DOM at run time). */
export interface PathElement {
  readonly tagName: string;
  readonly id: string;
  readonly parentElement: PathElement | null;
  readonly previousElementSibling: PathElement | null;
}

const STABLE_ID = /^[A-Za-z][A-Za-z0-9_-]{0,47}$/;

/**
 * Ids a path may use: written by people, not generated per render (`ember123`, `:r1:`,
 * `react-select-12-input`) and never data (`user-42817`): a letter first, then letters, digits,
 * `_` and `-`, at most 48 characters, at most two digits and never two in a row.
 */
export function isStableId(id: string): boolean {
  return STABLE_ID.test(id) && !/\d\d/.test(id) && id.replace(/\D/g, '').length <= 2;
}

const typeSelector = (el: PathElement): string =>
  // HTML tag names compare case-insensitively in selectors; SVG's (`foreignObject`) do not.
  el.tagName === el.tagName.toUpperCase() ? el.tagName.toLowerCase() : el.tagName;

export interface ElementPathOptions {
  /** Whether the element's id is unique in its document (the recorder asks the DOM). @default always */
  idIsUnique?: (el: PathElement) => boolean;
}

/**
 * The element's path: a CSS selector of child steps `tag:nth-of-type(n)` from the nearest
 * ancestor with a stable id (`main#content>div:nth-of-type(2)>button:nth-of-type(1)`) or from
 * `html`. Text-free by construction: it reads tag names, positions and stable ids, never text or
 * any other attribute. The dashboard finds the element again with `querySelector(path)`.
 */
export function elementPath(el: PathElement, options: ElementPathOptions = {}): string {
  const steps: string[] = [];
  let chars = 0;
  for (let node: PathElement | null = el; node; node = node.parentElement) {
    const tag = typeSelector(node);
    let step: string;
    if (tag === 'html') step = 'html';
    else if (isStableId(node.id) && (options.idIsUnique?.(node) ?? true)) step = `${tag}#${node.id}`;
    else if (tag === 'body' || tag === 'head') step = tag;
    else {
      let n = 1;
      for (let s = node.previousElementSibling; s; s = s.previousElementSibling) {
        if (s.tagName === node.tagName) n++;
      }
      step = `${tag}:nth-of-type(${n})`;
    }
    chars += step.length + 1;
    if (chars > MAX_ELEMENT_PATH_CHARS) break;
    steps.push(step);
    if (tag === 'html' || step.includes('#')) break;
  }
  return steps.reverse().join('>');
}
