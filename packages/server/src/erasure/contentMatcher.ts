import { MAX_LEAKED_VALUE_CHARS, type MatchPosition, MIN_LEAKED_VALUE_CHARS } from '@veil/core';
import { VeilError } from '../errors/VeilError.js';

/** Positions kept per session (the count is always exact). */
export const MAX_POSITIONS_PER_SESSION = 50;

/** What a compliance officer searches for: one literal value, or a regular expression. */
export type ContentQuery =
  | { kind: 'value'; value: string; caseSensitive: boolean }
  | { kind: 'pattern'; pattern: string; caseSensitive: boolean };

/** Counts the matches in one string. */
export type Matcher = (text: string) => number;

/**
 * A quantified group that itself holds a quantifier (`(a+)+`, `(\w*x)*`) or a back-reference: the
 * shapes that make a backtracking engine take exponential time. Patterns run on untrusted recorded
 * text, so they are refused rather than risked.
 */
const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*(?:[+*?]|\{\d+,?\d*\})(?:[^()\\]|\\.)*\)(?:[+*]|\{\d+,?\d*\})/;
const BACK_REFERENCE = /\\[1-9]|\\k</;

function countLiteral(haystack: string, needle: string): number {
  let count = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length))
    count++;
  return count;
}

/**
 * The matcher of a query. Never echoes the query in an error: the value is a secret that must not
 * reach logs or responses.
 */
export function compileMatcher(query: ContentQuery): Matcher {
  if (query.kind === 'value') {
    const value = query.value;
    if (value.length < MIN_LEAKED_VALUE_CHARS || value.length > MAX_LEAKED_VALUE_CHARS)
      throw new VeilError(
        'validation_failed',
        `the value must be ${MIN_LEAKED_VALUE_CHARS} to ${MAX_LEAKED_VALUE_CHARS} characters`,
      );
    if (query.caseSensitive) return (text) => countLiteral(text, value);
    const lower = value.toLowerCase();
    return (text) => countLiteral(text.toLowerCase(), lower);
  }
  const source = query.pattern;
  if (source.length < 1 || source.length > MAX_LEAKED_VALUE_CHARS)
    throw new VeilError('validation_failed', `the pattern must be 1 to ${MAX_LEAKED_VALUE_CHARS} characters`);
  if (NESTED_QUANTIFIER.test(source) || BACK_REFERENCE.test(source))
    throw new VeilError(
      'validation_failed',
      'the pattern nests quantifiers or uses a back-reference (too slow to run on recordings)',
    );
  let regex: RegExp;
  try {
    regex = new RegExp(source, query.caseSensitive ? 'gu' : 'giu');
  } catch {
    throw new VeilError('validation_failed', 'the pattern is not a valid regular expression');
  }
  if (regex.test('')) throw new VeilError('validation_failed', 'the pattern matches the empty string');
  return (text) => {
    regex.lastIndex = 0;
    let count = 0;
    while (regex.exec(text) !== null) count++;
    return count;
  };
}

/**
 * The matches in a chunk's events: every string value of every event (text nodes, attributes,
 * input values, URLs, styles) with the event's index and the JSON path of the string. The text
 * itself is not returned.
 */
export function matchEvents(events: readonly unknown[], match: Matcher, firstIndex: number): MatchPosition[] {
  const found: MatchPosition[] = [];
  const walk = (value: unknown, path: string, eventIndex: number): void => {
    if (typeof value === 'string') {
      const count = match(value);
      if (count > 0) found.push({ eventIndex, path, count });
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) walk(value[i], `${path}[${i}]`, eventIndex);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value))
        walk(inner, path === '' ? key : `${path}.${key}`, eventIndex);
    }
  };
  for (const [i, event] of events.entries()) walk(event, '', firstIndex + i);
  return found;
}
