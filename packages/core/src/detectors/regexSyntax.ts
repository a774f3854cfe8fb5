/**
 * A parser of JavaScript regular-expression syntax (non-unicode mode, Annex B) into the small
 * tree `patternSafety.ts` analyses: character sets, sequences, alternatives, groups and
 * quantifiers. Unbounded quantifiers are bounded at `maxRepeat` (recorded as source edits).
 */

/** A 128-bit ASCII set plus one bit for everything beyond ASCII. */
export class CharSet {
  readonly bits = new Uint32Array(4);
  other = false;

  static of(...codes: number[]): CharSet {
    const s = new CharSet();
    for (const c of codes) s.add(c);
    return s;
  }
  static range(from: number, to: number): CharSet {
    const s = new CharSet();
    s.addRange(from, to);
    return s;
  }
  static any(): CharSet {
    const s = CharSet.range(0, 127);
    s.other = true;
    return s;
  }
  add(code: number): void {
    if (code < 128) this.bits[code >> 5]! |= 1 << (code & 31);
    else this.other = true;
  }
  addRange(from: number, to: number): void {
    for (let c = from; c <= Math.min(to, 127); c++) this.add(c);
    if (to >= 128) this.other = true;
  }
  addSet(o: CharSet): void {
    for (let i = 0; i < 4; i++) this.bits[i]! |= o.bits[i]!;
    this.other ||= o.other;
  }
  negated(): CharSet {
    const s = new CharSet();
    for (let i = 0; i < 4; i++) s.bits[i] = ~this.bits[i]! >>> 0;
    s.other = true;
    return s;
  }
  overlaps(o: CharSet): boolean {
    for (let i = 0; i < 4; i++) if ((this.bits[i]! & o.bits[i]!) !== 0) return true;
    return this.other && o.other;
  }
  caseFolded(): CharSet {
    const s = new CharSet();
    s.addSet(this);
    for (let c = 65; c <= 90; c++) {
      if (this.has(c) || this.has(c + 32)) {
        s.add(c);
        s.add(c + 32);
      }
    }
    return s;
  }
  has(code: number): boolean {
    return (this.bits[code >> 5]! & (1 << (code & 31))) !== 0;
  }
}

const DIGIT = CharSet.range(48, 57);
const WORD = (() => {
  const s = CharSet.range(48, 57);
  s.addRange(65, 90);
  s.addRange(97, 122);
  s.add(95);
  return s;
})();
const SPACE = (() => {
  const s = CharSet.of(9, 10, 11, 12, 13, 32);
  s.other = true;
  return s;
})();

export type Node =
  | { k: 'char'; set: CharSet }
  | { k: 'assert' }
  | { k: 'seq'; items: Node[] }
  | { k: 'alt'; alts: Node[] }
  | { k: 'group'; body: Node; lookahead: boolean }
  | { k: 'quant'; body: Node; min: number; max: number; unbounded: boolean; at: number };

export class PatternError extends Error {}

/** Recursive-descent parser of JavaScript regex syntax (non-unicode mode, Annex B). */
export class Parser {
  pos = 0;
  quantifiers = 0;
  /** Source edits that bound unbounded quantifiers: [start, end, replacement]. */
  readonly edits: Array<[number, number, string]> = [];

  constructor(
    private readonly src: string,
    private readonly ignoreCase: boolean,
    private readonly maxRepeat: number,
    private readonly maxQuantifiers: number,
  ) {}

  parse(): Node {
    const node = this.alternation();
    if (this.pos < this.src.length) throw new PatternError(`unbalanced ")" at ${this.pos}`);
    return node;
  }

  private alternation(): Node {
    const alts = [this.sequence()];
    while (this.src[this.pos] === '|') {
      this.pos++;
      alts.push(this.sequence());
    }
    return alts.length === 1 ? alts[0]! : { k: 'alt', alts };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.pos < this.src.length && this.src[this.pos] !== '|' && this.src[this.pos] !== ')') {
      const at = this.pos;
      const atom = this.atom();
      items.push(this.quantified(atom, at));
    }
    return { k: 'seq', items };
  }

  private quantified(atom: Node, at: number): Node {
    const s = this.src;
    const c = s[this.pos];
    let min: number;
    let max: number;
    let unbounded = false;
    const start = this.pos;
    if (c === '*' || c === '+' || c === '?') {
      this.pos++;
      min = c === '+' ? 1 : 0;
      max = c === '?' ? 1 : Number.POSITIVE_INFINITY;
    } else if (c === '{') {
      const m = /^\{(\d{1,6})(,(\d{0,6}))?\}/.exec(s.slice(this.pos));
      if (!m) return atom;
      this.pos += m[0].length;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Number.POSITIVE_INFINITY : Number(m[3]);
    } else {
      return atom;
    }
    if (max === Number.POSITIVE_INFINITY) {
      unbounded = true;
      max = Math.max(min, this.maxRepeat);
      this.edits.push([start, this.pos, `{${min},${max}}`]);
    }
    if (max > this.maxRepeat) {
      throw new PatternError(
        `repetition {${min},${max}} at ${start} exceeds ${this.maxRepeat}; a PII value is shorter`,
      );
    }
    if (s[this.pos] === '?') this.pos++; // lazy: same analysis
    if (++this.quantifiers > this.maxQuantifiers) {
      throw new PatternError(`more than ${this.maxQuantifiers} quantifiers`);
    }
    if (atom.k === 'assert') return atom;
    return { k: 'quant', body: atom, min, max, unbounded, at };
  }

  private char(set: CharSet): Node {
    return { k: 'char', set: this.ignoreCase ? set.caseFolded() : set };
  }

  private atom(): Node {
    const s = this.src;
    const c = s[this.pos]!;
    if (c === '(') return this.group();
    if (c === '[') return this.char(this.charClass());
    if (c === '.') {
      this.pos++;
      return this.char(CharSet.any());
    }
    if (c === '^' || c === '$') {
      this.pos++;
      return { k: 'assert' };
    }
    if (c === '\\') return this.escapeAtom();
    if (c === '*' || c === '+' || c === '?') throw new PatternError(`nothing to repeat at ${this.pos}`);
    this.pos++;
    return this.char(CharSet.of(c.charCodeAt(0)));
  }

  private group(): Node {
    const s = this.src;
    const at = this.pos;
    this.pos++;
    let lookahead = false;
    if (s[this.pos] === '?') {
      const head = s.slice(this.pos, this.pos + 3);
      if (head.startsWith('?:')) this.pos += 2;
      else if (head.startsWith('?=') || head.startsWith('?!')) {
        this.pos += 2;
        lookahead = true;
      } else if (head === '?<=' || head === '?<!') {
        throw new PatternError(`lookbehind at ${at} is not supported in every browser the recorder runs in`);
      } else if (head.startsWith('?<')) {
        const end = s.indexOf('>', this.pos);
        if (end === -1) throw new PatternError(`unterminated group name at ${at}`);
        this.pos = end + 1;
      } else {
        throw new PatternError(`unknown group syntax at ${at}`);
      }
    }
    const body = this.alternation();
    if (s[this.pos] !== ')') throw new PatternError(`unterminated group at ${at}`);
    this.pos++;
    return lookahead ? { k: 'assert' } : { k: 'group', body, lookahead };
  }

  /** After a backslash, outside a class. */
  private escapeAtom(): Node {
    const s = this.src;
    const at = this.pos;
    const e = s[this.pos + 1];
    if (e === undefined) throw new PatternError('trailing backslash');
    if (e === 'b' || e === 'B') {
      this.pos += 2;
      return { k: 'assert' };
    }
    if (/[1-9]/.test(e) || (e === 'k' && s[this.pos + 2] === '<')) {
      throw new PatternError(`backreference at ${at}: its matching time is not bounded`);
    }
    return this.char(this.escapeSet());
  }

  /** An escape that stands for characters (inside or outside a class); advances past it. */
  private escapeSet(): CharSet {
    const s = this.src;
    const e = s[this.pos + 1]!;
    this.pos += 2;
    switch (e) {
      case 'd':
        return DIGIT;
      case 'D':
        return DIGIT.negated();
      case 'w':
        return WORD;
      case 'W':
        return WORD.negated();
      case 's':
        return SPACE;
      case 'S':
        return SPACE.negated();
      case 'n':
        return CharSet.of(10);
      case 'r':
        return CharSet.of(13);
      case 't':
        return CharSet.of(9);
      case 'f':
        return CharSet.of(12);
      case 'v':
        return CharSet.of(11);
      case '0':
        return CharSet.of(0);
      case 'x': {
        const hex = /^[0-9A-Fa-f]{2}/.exec(s.slice(this.pos));
        if (!hex) return CharSet.of(120);
        this.pos += 2;
        return CharSet.of(Number.parseInt(hex[0], 16));
      }
      case 'u': {
        const hex = /^[0-9A-Fa-f]{4}/.exec(s.slice(this.pos));
        if (!hex) return CharSet.of(117);
        this.pos += 4;
        return CharSet.of(Number.parseInt(hex[0], 16));
      }
      case 'c': {
        const letter = s[this.pos];
        if (letter && /[A-Za-z]/.test(letter)) {
          this.pos++;
          return CharSet.of(letter.charCodeAt(0) % 32);
        }
        return CharSet.of(92);
      }
      default:
        return CharSet.of(e.charCodeAt(0));
    }
  }

  private charClass(): CharSet {
    const s = this.src;
    const at = this.pos;
    this.pos++;
    let negate = false;
    if (s[this.pos] === '^') {
      negate = true;
      this.pos++;
    }
    const set = new CharSet();
    while (this.pos < s.length && s[this.pos] !== ']') {
      const from = this.classAtom();
      if (s[this.pos] === '-' && s[this.pos + 1] !== ']' && this.pos + 1 < s.length && from.single !== null) {
        const save = this.pos;
        this.pos++;
        const to = this.classAtom();
        if (to.single !== null && to.single >= from.single) {
          set.addRange(from.single, to.single);
          continue;
        }
        this.pos = save;
      }
      set.addSet(from.set);
    }
    if (s[this.pos] !== ']') throw new PatternError(`unterminated character class at ${at}`);
    this.pos++;
    return negate ? set.negated() : set;
  }

  private classAtom(): { set: CharSet; single: number | null } {
    const s = this.src;
    if (s[this.pos] === '\\') {
      const e = s[this.pos + 1];
      if (e === 'b') {
        this.pos += 2;
        return { set: CharSet.of(8), single: 8 };
      }
      const set = this.escapeSet();
      const single = e !== undefined && /[dDwWsS]/.test(e) ? null : firstCode(set);
      return { set, single };
    }
    const code = s.charCodeAt(this.pos);
    this.pos++;
    return { set: CharSet.of(code), single: code };
  }
}

export function firstCode(set: CharSet): number | null {
  for (let c = 0; c < 128; c++) if (set.has(c)) return c;
  return null;
}
