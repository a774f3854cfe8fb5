import { maskPreservingLayout } from '../detectors/redactText.js';

/**
 * Attributes that carry structure, not text a person reads or typed: kept under "mask all text".
 * Everything else (title, alt, aria-*, placeholder, label, value, data-*, content, unknown names)
 * is masked: an attribute Veil does not know is treated as text (fails closed). URL attributes stay
 * for the URL sanitiser (query and fragment dropped, the path PII-scanned); `style` and rrweb's
 * `_cssText` for the CSS sanitiser.
 */
const STRUCTURAL_ATTRIBUTES = new Set(
  // identity, layout and state; URLs; SVG geometry; rrweb's own (blocked boxes, inlined CSS)
  (
    'id class style type role rel lang dir hidden tabindex for disabled checked selected readonly ' +
    'required multiple open contenteditable colspan rowspan width height size cols rows media ' +
    'href src srcset action xlink:href xmlns viewbox preserveaspectratio d points x y x1 x2 y1 y2 ' +
    'cx cy r rx ry fill stroke stroke-width transform opacity rr_width rr_height _csstext'
  ).split(' '),
);

/** True for an attribute kept as is under "mask all text". */
export function isStructuralAttribute(name: string): boolean {
  return STRUCTURAL_ATTRIBUTES.has(name.toLowerCase());
}

/**
 * Under "mask all text": masks, in place, every string attribute value of a serialized element
 * that is not structural, keeping its length and spaces (`maskPreservingLayout`).
 */
export function maskTextAttributes(attributes: Record<string, unknown>): void {
  for (const name in attributes) {
    const value = attributes[name];
    if (typeof value === 'string' && value !== '' && !isStructuralAttribute(name)) {
      attributes[name] = maskPreservingLayout(value);
    }
  }
}
