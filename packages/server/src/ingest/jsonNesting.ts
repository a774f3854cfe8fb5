/**
 * How deeply a batch's JSON may nest (objects and arrays counted alike). A recorded DOM costs two
 * levels per element (the node and its `childNodes`), so this allows pages ~490 elements deep,
 * beyond what HTML parsers build (Chromium stops nesting at 512). Deeper input is refused before
 * anything recursive (`JSON.stringify`, redaction, replay) would overflow the stack on it.
 */
export const MAX_BATCH_NESTING_DEPTH = 1_000;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * True when the JSON text in `bytes` nests deeper than `maxDepth`. One pass over the bytes, no
 * allocation; brackets inside strings do not count. Only meaningful for valid JSON: the caller
 * parses the text afterwards and refuses what does not parse.
 */
export function jsonNestsDeeperThan(bytes: Uint8Array, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) {
      inString = true;
    } else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
      depth++;
      if (depth > maxDepth) return true;
    } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/** What one pass over a batch's JSON bytes found (`scanJson`). */
export interface JsonScan {
  /** Nests deeper than the limit (the scan stopped there; `faithful` is then false). */
  tooDeep: boolean;
  /**
   * The text holds exactly what `JSON.parse` makes of it and nothing more: no white space outside
   * strings, no escape in a key, and no key twice in one object (the parser keeps the last one
   * and drops the earlier value from sight; these bytes would still hold it). Only then may the
   * client's own bytes stand for the parsed batch (`keepableWire`). False when unsure.
   */
  faithful: boolean;
}

/** Keys on the stack of open objects at most (more: not `faithful`). */
const MAX_OPEN_KEYS = 8192;

const openIsObject = new Uint8Array(MAX_BATCH_NESTING_DEPTH + 2);
const keyStart = new Int32Array(MAX_BATCH_NESTING_DEPTH + 2);
const keyHashes = new Int32Array(MAX_OPEN_KEYS);

/**
 * `jsonNestsDeeperThan` and, in the same pass over the bytes, whether the text is `faithful` (see
 * `JsonScan`). Duplicate keys are found by a hash of each key's bytes (a key without escapes is
 * its bytes, so equal keys hash alike): two keys of one object with one hash make the text not
 * faithful, whether they are equal or only collide. A string's bytes are skipped in a loop of
 * their own (most of a batch is strings). Only meaningful for valid JSON: the caller parses the
 * text afterwards and refuses what does not parse. Synchronous, not re-entrant (shared scratch arrays).
 */
export function scanJson(bytes: Uint8Array, maxDepth: number): JsonScan {
  if (maxDepth > MAX_BATCH_NESTING_DEPTH) throw new RangeError('maxDepth above MAX_BATCH_NESTING_DEPTH');
  // Byte values and limits as local constants: module-level ones are loaded (and checked for
  // their temporal dead zone) on every use in the loop, which made the scan twice as slow (measured).
  const quote = 0x22;
  const backslash = 0x5c;
  const openBrace = 0x7b;
  const openBracket = 0x5b;
  const closeBrace = 0x7d;
  const closeBracket = 0x5d;
  const comma = 0x2c;
  const fnvPrime = 0x01000193;
  /** Keys of one object compared with each other at most (more: not `faithful`, the safe answer). */
  const maxKeysPerObject = 256;
  const maxOpenKeys = MAX_OPEN_KEYS;
  let depth = 0;
  let faithful = true;
  let expectKey = false;
  let top = 0;
  const n = bytes.length;
  for (let i = 0; i < n; i++) {
    const b = bytes[i] as number;
    if (b === quote) {
      let j = i + 1;
      if (!expectKey) {
        for (; j < n; j++) {
          const c = bytes[j] as number;
          if (c === quote) break;
          if (c === backslash) j++;
        }
        i = j;
        continue;
      }
      expectKey = false;
      // FNV-1a's offset basis, written here: as a module constant it is no small integer (a heap
      // number), and the whole hash would then be computed in doubles (2 × slower scan, measured).
      let hash = 0x811c9dc5 | 0;
      for (; j < n; j++) {
        const c = bytes[j] as number;
        if (c === quote) break;
        if (c === backslash) {
          faithful = false;
          j++;
        } else hash = Math.imul(hash ^ c, fnvPrime);
      }
      i = j;
      const from = keyStart[depth] as number;
      if (top - from >= maxKeysPerObject || top >= maxOpenKeys) {
        faithful = false;
        continue;
      }
      for (let k = from; k < top; k++) if (keyHashes[k] === hash) faithful = false;
      keyHashes[top++] = hash;
    } else if (b === openBrace || b === openBracket) {
      depth++;
      if (depth > maxDepth) return { tooDeep: true, faithful: false };
      const isObject = b === openBrace;
      openIsObject[depth] = isObject ? 1 : 0;
      keyStart[depth] = top;
      expectKey = isObject;
    } else if (b === closeBrace || b === closeBracket) {
      if (depth > 0) {
        top = keyStart[depth] as number;
        depth--;
      } else faithful = false; // not JSON: the parse refuses it
      expectKey = false;
    } else if (b === comma) {
      expectKey = openIsObject[depth] === 1;
    } else if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) {
      // White space outside strings.
      faithful = false;
    }
  }
  return { tooDeep: false, faithful };
}
