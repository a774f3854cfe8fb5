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
