import { BUILTIN_DETECTORS, builtinMayMatch, type Detector, TextProfiler } from './detectors.js';

/** Where a detector found PII: a label and a position, never the value. */
export interface Finding {
  label: string;
  start: number;
  end: number;
}

export interface RedactionResult {
  text: string;
  findings: Finding[];
}

/** Replaces every non-space character by `*`: length and layout survive, the value does not. */
export function maskPreservingLayout(text: string): string {
  return text.replace(/\S/g, '*');
}

/** No built-in detector matches fewer characters (`a@b.co`, `1.2.3.4`, seven phone digits). */
const MIN_BUILTIN_MATCH_CHARS = 6;

/** Every built-in detector's match has a digit, an `@` or a `:`. */
const MAYBE_PII = /[\d@:]/;

/**
 * The screen in front of the built-in detectors, as character counts that add up over pieces:
 * every built-in detector needs an `@` or a `:` (e-mail, IPv6), seven digits (cards, phones,
 * SSNs, IBANs), four digits and three dots (IPv4), or a capital letter and a digit in 17
 * characters (VIN), in at least `MIN_BUILTIN_MATCH_CHARS` characters. Most text with a number or
 * a price has none. Counts only grow when texts are joined (white space collapsed, no-break
 * spaces read as spaces), so a tally over the pieces of a run rules out the joined text too.
 */
export class PiiScreen {
  digits = 0;
  dots = 0;
  length = 0;
  upper = false;
  /** An `@` or a `:`. */
  marker = false;

  /** The run's profile as `redactRun` would join it (`refine`). */
  private readonly joined = new TextProfiler();

  reset(): void {
    this.digits = 0;
    this.dots = 0;
    this.length = 0;
    this.upper = false;
    this.marker = false;
    this.joined.reset();
  }

  /**
   * The second stage, for a run the counts let through (`mayMatch`): each piece is added again,
   * in reading order, to a profile of the text `redactRun` would join (white space collapsed,
   * `TextProfiler`), without joining it. Then `mayMatchJoined`.
   */
  refine(text: string): void {
    this.joined.add(text, true);
  }

  /**
   * False when no built-in detector's pre-check passes on the joined text's profile (`refine`):
   * `redactRun` with the built-in detectors would then find nothing in the run.
   */
  mayMatchJoined(): boolean {
    return builtinMayMatch(this.joined);
  }

  /** Counts `text` in (one pass). */
  add(text: string): void {
    let digits = 0;
    let dots = 0;
    let upper = false;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c <= 57) {
        if (c >= 48) digits++;
        else if (c === 46) dots++;
      } else if (c === 64 || c === 58) {
        this.marker = true;
      } else if (c <= 90 && c >= 65) upper = true;
    }
    this.digits += digits;
    this.dots += dots;
    this.length += text.length;
    if (upper) this.upper = true;
  }

  /** False when no built-in detector can match the text counted, however its pieces are joined. */
  mayMatch(): boolean {
    if (this.length < MIN_BUILTIN_MATCH_CHARS) return false;
    const digits = this.digits;
    return (
      this.marker ||
      digits >= 7 ||
      (digits >= 4 && this.dots >= 3) ||
      (this.upper && digits > 0 && this.length >= 17)
    );
  }
}

/** True when `text` has a digit, an `@` or a `:`: no built-in detector matches a text without. */
export function hasDigitOrMarker(text: string): boolean {
  return MAYBE_PII.test(text);
}

// Marked pure: a bundle that takes only `maskPreservingLayout` from here (the recorder's layout.js
// chunk) then leaves the screens and the detectors they reach out.
const single = /* @__PURE__ */ new PiiScreen();
/** The profile of the text `redactTextInto` scans (reused: nothing allocated per text). */
const textProfile = /* @__PURE__ */ new TextProfiler();

/**
 * `PiiScreen` for one text: false when no built-in detector can match `text`. Nothing allocated;
 * most strings of a recording end at the regular expression (no digit, `@` or `:`).
 */
export function mayHoldBuiltinPii(text: string): boolean {
  if (text.length < MIN_BUILTIN_MATCH_CHARS || !MAYBE_PII.test(text)) return false;
  single.reset();
  single.add(text);
  return single.mayMatch();
}

/**
 * Finds PII with the built-in detectors plus `extra` (custom patterns) and masks it in place.
 * Overlapping findings are merged; the result has the same length as the input.
 */
export function redactText(text: string, extra: readonly Detector[] = []): RedactionResult {
  const findings: Finding[] = [];
  return { text: redactTextInto(text, extra, findings), findings };
}

/**
 * `redactText` for hot loops: appends the findings to `findings` (when there are any) and
 * returns the redacted text, the same string when nothing was found. Allocates nothing for
 * text without PII, which is almost all text.
 */
export function redactTextInto(
  text: string,
  extra: readonly Detector[],
  findings: Finding[],
  /** The caller found `mayHoldBuiltinPii(text)` true just before (no second screen). */
  screened = false,
): string {
  const before = findings.length;
  if (screened || mayHoldBuiltinPii(text)) {
    const profile = textProfile;
    profile.reset();
    profile.add(text, false);
    for (const detector of BUILTIN_DETECTORS) {
      if (!detector.mayMatch || detector.mayMatch(profile)) collect(detector, text, findings);
    }
  }
  // Custom patterns passed the linear-time check when they were compiled: the whole text is scanned.
  for (let i = 0; i < extra.length; i++) collect(extra[i]!, text, findings);
  if (findings.length === before) return text;
  const found = findings.slice(before).sort((a, b) => a.start - b.start);
  let out = '';
  let cursor = 0;
  for (const f of found) {
    if (f.end <= cursor) continue;
    const from = Math.max(cursor, f.start);
    out += text.slice(cursor, from) + maskPreservingLayout(text.slice(from, f.end));
    cursor = f.end;
  }
  return out + text.slice(cursor);
}

function collect(detector: Detector, text: string, findings: Finding[]): void {
  const re = detector.candidate;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    let valid: boolean;
    try {
      valid = detector.validate ? detector.validate(m) : true;
    } catch {
      // Privacy code fails closed: a validator that throws counts as a finding.
      valid = true;
    }
    if (!valid) continue;
    if (detector.prefixGroup) {
      const start = m.index + (m[1]?.length ?? 0);
      findings.push({ label: detector.label, start, end: start + (m[2]?.length ?? 0) });
    } else {
      findings.push({ label: detector.label, start: m.index, end: m.index + m[0].length });
    }
  }
}
