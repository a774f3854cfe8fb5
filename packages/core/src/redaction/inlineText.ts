import type { Detector } from '../detectors/detectors.js';
import { type Finding, redactTextInto } from '../detectors/redactText.js';

/**
 * Elements that end a run of text as it reads on screen: blocks (a paragraph, a list item, a
 * table cell), replaced and form elements (an image or an input sits between two words as a
 * thing of its own), line breaks, and everything never rendered as text (head, scripts, styles,
 * templates). Every other element, including custom elements and tags Veil does not know, is
 * treated as inline: its text joins its neighbours' (`<span>jane@</span><span>example.org</span>`
 * reads as one address). Joining more than the screen does only ever finds more.
 */
const RUN_BOUNDARY_TAGS = new Set(
  (
    'html head body title meta link base script style noscript template ' +
    'address article aside blockquote center dd details dialog dir div dl dt fieldset figcaption ' +
    'figure footer form frameset frame h1 h2 h3 h4 h5 h6 header hgroup hr legend li main menu nav ' +
    'ol p pre section summary table caption colgroup col tbody thead tfoot tr td th ul ' +
    'br wbr img picture source track video audio canvas iframe embed object svg math ' +
    'input textarea select option optgroup button meter progress'
  ).split(' '),
);

/** True when an element of this (lower-case) tag ends the run of inline text around it. */
export function isRunBoundaryTag(tag: string): boolean {
  return RUN_BOUNDARY_TAGS.has(tag);
}

/** Where a detector fired in a run of pieces: its label and the piece where the match begins. */
export interface RunFinding {
  label: string;
  piece: number;
}

/** Whitespace the screen collapses, or a no-break space the detectors would not see as a space. */
const NEEDS_NORMALISING = /[\t\n\r\f\u00a0]| {2}/;

const isCollapsible = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13 || c === 12;

/**
 * The text of adjacent inline pieces (text nodes) as it reads on screen: joined, runs of white
 * space collapsed to one space (so `<span>4111</span>\n  <span>1111</span>` reads `4111 1111`).
 * Detectors run once on the joined text; every piece a match overlaps has the overlapping
 * characters masked (`*`, white space kept, lengths unchanged). Returns the new text of each
 * changed piece (`undefined` for unchanged ones), or `undefined` when nothing was found; the
 * findings are appended to `findings`, each attributed to the piece where it begins.
 */
export function redactRun(
  pieces: readonly string[],
  detectors: readonly Detector[],
  findings: RunFinding[],
): (string | undefined)[] | undefined {
  const starts: number[] = [];
  /** Per piece: joined-local offset → offset in the piece, when whitespace was collapsed. */
  const maps: (number[] | undefined)[] = [];
  let joined = '';
  let lastSpace = false;
  for (const piece of pieces) {
    starts.push(joined.length);
    if (piece.length === 0) {
      maps.push(undefined);
      continue;
    }
    if (!NEEDS_NORMALISING.test(piece) && !(lastSpace && isCollapsible(piece.charCodeAt(0)))) {
      joined += piece;
      maps.push(undefined);
      lastSpace = isCollapsible(piece.charCodeAt(piece.length - 1));
      continue;
    }
    const map: number[] = [];
    let out = '';
    for (let j = 0; j < piece.length; j++) {
      const c = piece.charCodeAt(j);
      if (isCollapsible(c)) {
        if (lastSpace) continue;
        out += ' ';
        lastSpace = true;
      } else {
        out += c === 0xa0 ? ' ' : piece[j];
        lastSpace = false;
      }
      map.push(j);
    }
    joined += out;
    maps.push(map);
  }
  const found: Finding[] = [];
  redactTextInto(joined, detectors, found);
  if (found.length === 0) return undefined;
  /** Per piece: ranges to mask, in piece offsets. */
  const ranges: ([number, number][] | undefined)[] = new Array(pieces.length);
  for (const f of found) {
    let first = -1;
    for (let i = 0; i < pieces.length; i++) {
      const start = starts[i]!;
      const end = i + 1 < pieces.length ? starts[i + 1]! : joined.length;
      if (end <= f.start || start >= f.end || end === start) continue;
      if (first === -1) first = i;
      const from = Math.max(f.start, start) - start;
      const to = Math.min(f.end, end) - start;
      const map = maps[i];
      const range: [number, number] = map ? [map[from]!, map[to - 1]! + 1] : [from, to];
      const list = ranges[i] ?? [];
      list.push(range);
      ranges[i] = list;
    }
    findings.push({ label: f.label, piece: first === -1 ? 0 : first });
  }
  const out: (string | undefined)[] = new Array(pieces.length).fill(undefined);
  for (let i = 0; i < pieces.length; i++) {
    const r = ranges[i];
    if (!r) continue;
    const piece = pieces[i]!;
    let masked = '';
    let cursor = 0;
    for (const [from, to] of r.sort((a, b) => a[0] - b[0])) {
      if (to <= cursor) continue;
      const start = Math.max(from, cursor);
      masked += piece.slice(cursor, start) + piece.slice(start, to).replace(/\S/g, '*');
      cursor = to;
    }
    masked += piece.slice(cursor);
    if (masked !== piece) out[i] = masked;
  }
  return out;
}
