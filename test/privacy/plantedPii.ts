/**
 * The planted-PII corpus: personal data of every validated kind, planted in every place PII can
 * hide in a page and in an rrweb stream. The same cases drive the unit test (synthetic rrweb
 * events through `redactEvents`) and the end-to-end test (a generated page in real Chromium,
 * through recorder, ingest and storage). Every value is synthetic and valid for its detector.
 */
import { type CustomPattern, vinCheckDigit } from '@veil/core';

/** A kind of PII: a built-in detector label or a custom pattern's label. */
export type PiiLabel =
  | 'email'
  | 'phone'
  | 'card'
  | 'iban'
  | 'ssn'
  | 'vin'
  | 'ipv4'
  | 'ipv6'
  | 'student_id'
  | 'supplier_code';

/** Where the value is planted. */
export type PiiPosition =
  | 'text' // a text node
  | 'text-split' // one value across two adjacent text nodes
  | 'attr-title'
  | 'attr-alt'
  | 'attr-placeholder'
  | 'attr-aria-label'
  | 'attr-data'
  | 'attr-value' // a pre-filled, read-only input's value attribute
  | 'href-path' // inside the path of a link
  | 'href-query' // in a link's query string
  | 'src-query' // in an image's query string
  | 'href-scheme' // mailto: / tel:
  | 'input-typed' // typed into a text input (input events)
  | 'textarea-change' // typed into a textarea, then changed (change event)
  | 'hidden-input'
  | 'select-option' // an option's text (static DOM text)
  | 'select-change' // the chosen option's value (change event)
  | 'contenteditable' // typed into a contenteditable region (text mutations)
  | 'shadow-dom' // text inside an open shadow root
  | 'mutation-text' // text a script sets after the page loaded
  | 'mutation-attr' // an attribute a script sets after the page loaded
  | 'attr-name' // inside an attribute's name (`attributeNameOf`), in the markup
  | 'mutation-attr-name' // inside the name of an attribute a script sets after the page loaded
  | 'title' // the document title (snapshot <title> and Veil's page view)
  | 'page-url' // the path of the page's URL (Meta and page-view events)
  // Browser-only positions (`browserCases`): the end-to-end corpus in Chromium.
  | 'iframe-same' // text of a same-origin iframe's document
  | 'iframe-srcdoc' // text of a srcdoc iframe
  | 'css-style-url' // a style attribute's url() query string
  | 'css-content' // a <style> rule's content: string
  | 'custom-tag' // veil('tag', key, value)
  | 'shadow-late' // text a script adds to an open shadow root after the first snapshot
  // Text split across elements (`splitTextCases`), each a shape frameworks render.
  | 'split-spans' // <span>first half</span><span>second half</span>
  | 'split-nested' // <a><span>first</span></a><em>second</em>
  | 'split-groups' // every 4-character group in its own <span>, spaces between
  | 'split-comment' // text, a comment, text
  | 'split-late'; // the second half appended by a later mutation

export interface PiiCase {
  /** Stable, letters only (`isStableId`): the element's id in the generated page is `pii-${id}`. */
  id: string;
  label: PiiLabel;
  value: string;
  position: PiiPosition;
}

/** The site's own patterns of the corpus (a school's student ids, a supplier portal's codes). */
export const CORPUS_CUSTOM_PATTERNS: readonly CustomPattern[] = [
  { label: 'student_id', pattern: '\\bS-\\d{4}-\\d{5}\\b' },
  { label: 'supplier_code', pattern: '\\bSUP-\\d{5}-[A-Z]{2}\\b' },
];

/** Puts the ISO 3779 check digit into position 9 of a 17-character VIN. */
export function withVinCheckDigit(vin: string): string {
  return `${vin.slice(0, 8)}${vinCheckDigit(vin)}${vin.slice(9)}`;
}

/** Values per kind, several spellings each (national and international phone formats, IBAN with and without spaces). */
export const PLANTED_VALUES: Readonly<Record<PiiLabel, readonly string[]>> = {
  email: ['ava.planted@example.org', 'b.planted+intake@mail.example.com', 'c_planted@clinic.example.co.uk'],
  phone: [
    '+1 415 555 0142',
    '(415) 555-0199',
    '+49 30 90182034',
    '030 1234 5678',
    '+44 20 7946 0958',
    '01 23 45 67 89',
    '212.555.0187',
  ],
  card: ['4111 1111 1111 1111', '5555-5555-5555-4444', '378282246310005', '6011 1111 1111 1117'],
  iban: ['DE89 3704 0044 0532 0130 00', 'GB82WEST12345698765432', 'NL91ABNA0417164300'],
  ssn: ['123-45-6789', '345-67-8901', '512 34 5678'],
  vin: ['1M8GDM9AXKP042788', '1HGCM82633A004352', withVinCheckDigit('WBA3A5C50CF256985')],
  ipv4: ['203.0.113.77', '198.51.100.23'],
  ipv6: ['2001:db8:85a3::8a2e:370:7334', 'fe80::1ff:fe23:4567:890a'],
  student_id: ['S-2024-00017', 'S-2023-41235'],
  supplier_code: ['SUP-99812-ZX', 'SUP-10450-QB'],
};

/** Positions that take any kind of value. */
const EVERY_KIND: readonly PiiPosition[] = [
  'text',
  'text-split',
  'attr-title',
  'attr-alt',
  'attr-placeholder',
  'attr-aria-label',
  'attr-data',
  'attr-value',
  'href-path',
  'href-query',
  'src-query',
  'input-typed',
  'textarea-change',
  'hidden-input',
  'select-option',
  'select-change',
  'contenteditable',
  'shadow-dom',
  'mutation-text',
  'mutation-attr',
  'title',
  'page-url',
  'attr-name',
  'mutation-attr-name',
];

/**
 * The attribute name a value is planted in (`attr-name`, `mutation-attr-name`): an attribute name
 * holds no white space, so spaces become `_` (`data-contact_4111_1111_1111_1111`). The browser
 * lower-cases it (`forbiddenStrings` has that spelling too).
 */
export function attributeNameOf(c: PiiCase): string {
  return `data-contact_${nameSpelling(c.value)}`;
}

const nameSpelling = (value: string): string => value.replace(/\s/g, '_');

/** Positions where the URL sanitiser removes the value (query strings): no detector is involved. */
export const SANITISED_POSITIONS: ReadonlySet<PiiPosition> = new Set(['href-query', 'src-query']);

/** Positions that need a visitor's typing or a navigation in the browser. */
export const INTERACTIVE_POSITIONS: ReadonlySet<PiiPosition> = new Set([
  'input-typed',
  'textarea-change',
  'select-change',
  'contenteditable',
  'page-url',
]);

function letters(n: number): string {
  let s = '';
  let k = n;
  do {
    s = String.fromCharCode(97 + (k % 26)) + s;
    k = Math.floor(k / 26) - 1;
  } while (k >= 0);
  return s;
}

/**
 * Every case: each position with each kind (cycling through the kind's spellings), plus
 * `href-scheme` for e-mail (`mailto:`) and phone (`tel:`).
 */
export function plantedCases(): PiiCase[] {
  const cases: PiiCase[] = [];
  const labels = Object.keys(PLANTED_VALUES) as PiiLabel[];
  let n = 0;
  for (const position of EVERY_KIND) {
    for (const label of labels) {
      const values = PLANTED_VALUES[label];
      const value = values[n % values.length]!;
      cases.push({ id: letters(n++), label, value, position });
    }
  }
  for (const value of PLANTED_VALUES.email)
    cases.push({ id: letters(n++), label: 'email', value, position: 'href-scheme' });
  for (const value of PLANTED_VALUES.phone)
    cases.push({ id: letters(n++), label: 'phone', value, position: 'href-scheme' });
  return cases;
}

/** Positions only a real browser has (not in the synthetic rrweb stream of the unit test). */
export const BROWSER_POSITIONS: readonly PiiPosition[] = [
  'iframe-same',
  'iframe-srcdoc',
  'css-style-url',
  'css-content',
  'custom-tag',
  'shadow-late',
];

/** Browser positions whose server-side pass is still to come (CSS in the server's redaction walk). */
export const SERVER_PENDING_POSITIONS: ReadonlySet<PiiPosition> = new Set(['css-style-url', 'css-content']);

/** Shapes of text split across elements (`test/e2e/privacy-split-text.test.ts`). */
export const SPLIT_TEXT_POSITIONS: readonly PiiPosition[] = [
  'split-spans',
  'split-nested',
  'split-groups',
  'split-comment',
  'split-late',
];

/** Cases of `positions` with every kind, ids after `offset` (so they never clash with `plantedCases`). */
function casesAt(positions: readonly PiiPosition[], offset: number): PiiCase[] {
  const cases: PiiCase[] = [];
  const labels = Object.keys(PLANTED_VALUES) as PiiLabel[];
  let n = offset;
  for (const position of positions) {
    for (const label of labels) {
      const values = PLANTED_VALUES[label];
      cases.push({ id: letters(n), label, value: values[n % values.length]!, position });
      n++;
    }
  }
  return cases;
}

/** The browser-only cases: iframes, CSS, custom events, late shadow-root text. */
export function browserCases(): PiiCase[] {
  return casesAt(BROWSER_POSITIONS, 5_000);
}

/** Text split across elements in five shapes, every kind. */
export function splitTextCases(): PiiCase[] {
  return casesAt(SPLIT_TEXT_POSITIONS, 8_000);
}

/**
 * The strings that must appear nowhere: each planted value, its spelling without separators
 * when it has some (a card typed without spaces is the same card) and its URL-encoded spelling.
 */
export function forbiddenStrings(cases: readonly PiiCase[]): string[] {
  const out = new Set<string>();
  for (const c of cases) {
    out.add(c.value);
    const compact = c.value.replace(/[ .()-]/g, '');
    if (compact !== c.value && compact.length >= 8 && !['ipv4', 'ipv6'].includes(c.label)) out.add(compact);
    const encoded = encodeURIComponent(c.value);
    if (encoded !== c.value) out.add(encoded);
    if (c.position === 'attr-name' || c.position === 'mutation-attr-name') {
      out.add(nameSpelling(c.value));
      out.add(nameSpelling(c.value).toLowerCase());
    }
  }
  return [...out];
}

/** The forbidden strings found in `text` (also in JSON-escaped spelling). */
export function leaksIn(text: string, forbidden: readonly string[]): string[] {
  return forbidden.filter((v) => text.includes(v) || text.includes(JSON.stringify(v).slice(1, -1)));
}
