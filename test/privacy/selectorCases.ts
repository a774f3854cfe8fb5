/**
 * CSS selectors for the policy selector check: the core unit test runs them through
 * `validateSelectors`, the recorder's Chromium test through the browser's own parser, so the two
 * stay in agreement.
 */

/** Selectors browsers accept . */
export const VALID_SELECTORS = [
  'div',
  '*',
  '.a.b',
  '#main > p + span ~ em',
  'a b',
  '[data-x]',
  '[data-veil="block"]',
  "input[name*='card' i]",
  '[autocomplete^="cc-"]',
  '*|*',
  'li:nth-child(2n + 1)',
  'li:nth-child(odd of .x)',
  'p:not(.a, .b):is(.c)',
  'div:has(> img)',
  'a:hover::before',
  'p::first-line',
  ':root',
  'input:-webkit-autofill',
  ':lang(en)',
  '.\\31 23',
  '.a\\:b',
  'iframe[src*="pay" i]',
  'form[action*="pay" i]',
  'x-foo:defined',
];
/** Selectors browsers refuse. */
export const INVALID_SELECTORS = [
  'div[[bad',
  'svg|rect',
  '.',
  '#',
  'a >',
  '> a',
  'a,,b',
  'a,',
  'p:nosuchpseudo',
  'p:contains(text)',
  'p::nosuch',
  ':nth-child(x)',
  '[x=a b]',
  'a)',
  '',
  '1abc',
];

/**
 * Selectors browsers accept but Veil refuses: joined into one list, an unclosed string or comment
 * swallows the selectors after it.
 */
export const STRICTER_THAN_BROWSERS = ['[x="unterminated]', 'a /* comment', '.a, [title="x'];
