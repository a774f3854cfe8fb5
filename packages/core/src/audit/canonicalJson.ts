/** A JSON value as the audit log stores it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Nesting deeper than this is refused: audit details are small, flat documents. */
export const MAX_CANONICAL_JSON_DEPTH = 32;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The canonical JSON encoding of RFC 8785 (JSON Canonicalization Scheme, "JCS"): object members
 * sorted by the UTF-16 code units of their names, no whitespace, strings and numbers serialised
 * exactly as ECMAScript's `JSON.stringify` does. Any JCS implementation in any language yields the
 * same bytes, which is what makes an audit export verifiable without Veil.
 *
 * Like `JSON.stringify`, members whose value is `undefined` are left out, so a value and its JSON
 * round trip encode alike. Anything JSON cannot carry faithfully throws a `TypeError`: non-finite
 * numbers, strings with lone surrogates, `bigint`, functions, symbols, and objects that are not
 * plain (`Date`, `Map`, class instances).
 */
export function canonicalJson(value: unknown): string {
  return encode(value, 0, '$');
}

function encode(value: unknown, depth: number, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${path}: ${value} has no JSON form`);
      return JSON.stringify(value);
    case 'string':
      if (LONE_SURROGATE.test(value)) throw new TypeError(`${path}: string holds a lone surrogate`);
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new TypeError(`${path}: a ${typeof value} has no JSON form`);
  }
  if (depth >= MAX_CANONICAL_JSON_DEPTH) throw new TypeError(`${path}: nested too deeply`);
  if (Array.isArray(value)) {
    const items = value.map((item, i) =>
      item === undefined ? 'null' : encode(item, depth + 1, `${path}[${i}]`),
    );
    return `[${items.join(',')}]`;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw new TypeError(`${path}: not a plain object`);
  const record = value as Record<string, unknown>;
  const members: string[] = [];
  // Default sort compares UTF-16 code units, as RFC 8785 §3.2.3 requires.
  for (const key of Object.keys(record).sort()) {
    const member = record[key];
    if (member === undefined) continue;
    if (LONE_SURROGATE.test(key)) throw new TypeError(`${path}: member name holds a lone surrogate`);
    members.push(`${JSON.stringify(key)}:${encode(member, depth + 1, `${path}.${key}`)}`);
  }
  return `{${members.join(',')}}`;
}
