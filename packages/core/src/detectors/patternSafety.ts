/**
 * Static safety check of a policy's custom PII patterns. They run on every text of every
 * recording, in the visitor's browser and on the server, so a pattern that can backtrack
 * catastrophically would hang a customer's page or stall ingest. A pattern is accepted only when
 * matching it stays linear in the input:
 *
 * - no backreferences and no lookbehind (lookbehind also fails to parse in older Safari);
 * - `*`, `+` and `{n,}` repeat at most `MAX_CUSTOM_PATTERN_REPEAT` times (they are compiled so);
 *   explicit bounds above it are refused;
 * - no nested repetition whose inner choices multiply beyond `MAX_CUSTOM_PATTERN_AMBIGUITY`
 *   (`(a+)+`, `(?:x|y)+`; `(?:\d{1,3}\.){3}` is fine);
 * - a repetition that was unbounded must not be followed by something that can match the same
 *   characters (`\w+\d+` is quadratic), and bounded overlaps (`\d{1,3}\d{3}`) multiply within the
 *   same budget.
 *
 * Each of these makes the work per start position a constant of the pattern, so a scan is linear.
 */

import type { CustomPattern } from '../policy/privacyPolicy.js';
import type { Detector } from './detectors.js';
import { CharSet, type Node, Parser, PatternError } from './regexSyntax.js';

/** Most repetitions of one quantifier; `*`, `+` and `{n,}` are compiled with this upper bound. */
export const MAX_CUSTOM_PATTERN_REPEAT = 64;
/** Most backtracking choices a custom pattern may have at one start position. */
export const MAX_CUSTOM_PATTERN_AMBIGUITY = 64;
/** Most quantifiers in one custom pattern. */
export const MAX_CUSTOM_PATTERN_QUANTIFIERS = 40;
/** Most alternatives a whole custom pattern may combine (`(a|b)(c|d)` is four). */
export const MAX_CUSTOM_PATTERN_ALTERNATIVES = 4096;

/** Length bounds of what a node matches. */
function width(n: Node): [number, number] {
  switch (n.k) {
    case 'char':
      return [1, 1];
    case 'assert':
      return [0, 0];
    case 'group':
      return width(n.body);
    case 'seq':
      return n.items.reduce<[number, number]>(
        (acc, item) => {
          const [a, b] = width(item);
          return [acc[0] + a, acc[1] + b];
        },
        [0, 0],
      );
    case 'alt': {
      const ws = n.alts.map(width);
      return [Math.min(...ws.map((w) => w[0])), Math.max(...ws.map((w) => w[1]))];
    }
    case 'quant': {
      const [a, b] = width(n.body);
      return [a * n.min, b * n.max];
    }
  }
}

/** Characters a node can start with (`nullable` when it can match the empty string). */
function first(n: Node): { set: CharSet; nullable: boolean } {
  switch (n.k) {
    case 'char':
      return { set: n.set, nullable: false };
    case 'assert':
      return { set: new CharSet(), nullable: true };
    case 'group':
      return first(n.body);
    case 'alt': {
      const set = new CharSet();
      let nullable = false;
      for (const a of n.alts) {
        const f = first(a);
        set.addSet(f.set);
        nullable ||= f.nullable;
      }
      return { set, nullable };
    }
    case 'seq': {
      const set = new CharSet();
      for (const item of n.items) {
        const f = first(item);
        set.addSet(f.set);
        if (!f.nullable) return { set, nullable: false };
      }
      return { set, nullable: true };
    }
    case 'quant': {
      const f = first(n.body);
      return { set: f.set, nullable: f.nullable || n.min === 0 };
    }
  }
}

const cap = (n: number): number => Math.min(n, Number.MAX_SAFE_INTEGER);

/**
 * How many ways a node can go at one position: alternatives and variable repetition counts
 * (`?` is two ways, `{1,3}` three). With `onlyAlternatives`, repetition counts are ignored.
 */
function choices(n: Node, onlyAlternatives = false): number {
  switch (n.k) {
    case 'char':
    case 'assert':
      return 1;
    case 'group':
      return choices(n.body, onlyAlternatives);
    case 'seq':
      return n.items.reduce((acc, item) => cap(acc * choices(item, onlyAlternatives)), 1);
    case 'alt':
      return n.alts.reduce((acc, a) => cap(acc + choices(a, onlyAlternatives)), 0);
    case 'quant': {
      const inner = choices(n.body, onlyAlternatives);
      const repeated = inner > 1 ? cap(inner ** n.max) : 1;
      return onlyAlternatives ? repeated : cap((n.max - n.min + 1) * repeated);
    }
  }
}

class Analysis {
  ambiguity = 1;

  constructor(private readonly src: string) {}

  /** Walks `n` knowing which characters may follow it. */
  visit(n: Node, follow: CharSet): void {
    switch (n.k) {
      case 'char':
      case 'assert':
        return;
      case 'group':
        this.visit(n.body, follow);
        return;
      case 'alt':
        for (const a of n.alts) this.visit(a, follow);
        return;
      case 'seq': {
        for (let i = 0; i < n.items.length; i++) {
          const rest = new CharSet();
          let nullable = true;
          for (let j = i + 1; j < n.items.length && nullable; j++) {
            const f = first(n.items[j]!);
            rest.addSet(f.set);
            nullable = f.nullable;
          }
          if (nullable) rest.addSet(follow);
          this.visit(n.items[i]!, rest);
        }
        return;
      }
      case 'quant':
        this.quantifier(n, follow);
    }
  }

  private quantifier(n: Extract<Node, { k: 'quant' }>, follow: CharSet): void {
    const text = this.src.slice(n.at, n.at + 24);
    if (n.max > 1) {
      const inner = choices(n.body);
      if (inner > 1 && (n.unbounded || inner ** n.max > MAX_CUSTOM_PATTERN_AMBIGUITY)) {
        throw new PatternError(
          `nested repetition at ${n.at} ("${text}…") can take exponential time; bound the outer repetition or make the inner part fixed`,
        );
      }
    }
    const bodyFirst = first(n.body).set;
    const inner = new CharSet();
    inner.addSet(follow);
    if (n.max > 1) inner.addSet(bodyFirst);
    this.visit(n.body, inner);
    if (n.max > n.min && bodyFirst.overlaps(follow)) {
      if (n.unbounded) {
        throw new PatternError(
          `unbounded repetition at ${n.at} ("${text}…") is followed by something matching the same characters: quadratic time; make them distinct or bound the repetition`,
        );
      }
      this.ambiguity *= n.max - n.min + 1;
    }
    if (this.ambiguity > MAX_CUSTOM_PATTERN_AMBIGUITY) {
      throw new PatternError(
        `too many overlapping repetitions (more than ${MAX_CUSTOM_PATTERN_AMBIGUITY} ways to match at one position)`,
      );
    }
  }
}

/** A custom pattern checked for linear-time matching, with the source that is actually compiled. */
export type PatternCheck = { ok: true; source: string } | { ok: false; problem: string };

/** Checks one custom pattern; `source` bounds its unbounded repetitions. Never throws. */
export function checkCustomPattern(pattern: string, flags = ''): PatternCheck {
  try {
    new RegExp(pattern, `g${flags}`);
  } catch (error) {
    return { ok: false, problem: `not a valid regular expression: ${(error as Error).message}` };
  }
  try {
    const parser = new Parser(
      pattern,
      flags.includes('i'),
      MAX_CUSTOM_PATTERN_REPEAT,
      MAX_CUSTOM_PATTERN_QUANTIFIERS,
    );
    const ast = parser.parse();
    // Nothing follows the whole pattern: a repetition at its end stops where it can.
    new Analysis(pattern).visit(ast, new CharSet());
    if (choices(ast, true) > MAX_CUSTOM_PATTERN_ALTERNATIVES) {
      return { ok: false, problem: `more than ${MAX_CUSTOM_PATTERN_ALTERNATIVES} combined alternatives` };
    }
    if (first(ast).nullable && width(ast)[1] === 0) {
      return { ok: false, problem: 'the pattern matches only the empty string' };
    }
    let source = pattern;
    for (const [start, end, replacement] of [...parser.edits].sort((a, b) => b[0] - a[0])) {
      source = source.slice(0, start) + replacement + source.slice(end);
    }
    new RegExp(source, `g${flags}`);
    return { ok: true, source };
  } catch (error) {
    if (error instanceof PatternError) return { ok: false, problem: error.message };
    // Privacy code fails closed: a pattern the checker cannot understand is refused.
    return { ok: false, problem: `could not be checked: ${(error as Error).message}` };
  }
}

/** Compiles one custom pattern after its linear-time check; throws with the label when it fails. */
export function compileCustomPattern(p: CustomPattern): Detector {
  const check = checkCustomPattern(p.pattern, p.flags ?? '');
  if (!check.ok) throw new Error(`custom pattern "${p.label}" is refused: ${check.problem}`);
  return { label: p.label, candidate: new RegExp(check.source, `g${p.flags ?? ''}`) };
}

/**
 * Turns a policy's custom patterns into detectors. Each is checked for linear-time matching
 * (`checkCustomPattern`) and compiled with its unbounded repetitions bounded; an invalid or
 * unsafe pattern throws with its label.
 */
export function compileCustomPatterns(patterns: readonly CustomPattern[]): Detector[] {
  return patterns.map(compileCustomPattern);
}
