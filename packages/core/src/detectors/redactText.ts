import {
  BUILTIN_DETECTORS,
  type Detector,
  MAX_CUSTOM_PATTERN_INPUT_CHARS,
  profileText,
} from './detectors.js';

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

/** Cheap pre-check: no detector can match text without a digit, an `@` or a `:`. */
const MAYBE_PII = /[\d@:]/;

/**
 * Finds PII with the built-in detectors plus `extra` (custom patterns) and masks it in place.
 * Overlapping findings are merged; the result has the same length as the input.
 */
export function redactText(text: string, extra: readonly Detector[] = []): RedactionResult {
  if (text.length === 0) return { text, findings: [] };
  const findings: Finding[] = [];
  if (MAYBE_PII.test(text)) {
    const profile = profileText(text);
    for (const detector of BUILTIN_DETECTORS) {
      if (!detector.mayMatch || detector.mayMatch(profile)) collect(detector, text, findings);
    }
  }
  if (extra.length > 0) {
    const bounded =
      text.length > MAX_CUSTOM_PATTERN_INPUT_CHARS ? text.slice(0, MAX_CUSTOM_PATTERN_INPUT_CHARS) : text;
    for (const detector of extra) collect(detector, bounded, findings);
  }
  if (findings.length === 0) return { text, findings };
  findings.sort((a, b) => a.start - b.start);
  let out = '';
  let cursor = 0;
  for (const f of findings) {
    if (f.end <= cursor) continue;
    const from = Math.max(cursor, f.start);
    out += text.slice(cursor, from) + maskPreservingLayout(text.slice(from, f.end));
    cursor = f.end;
  }
  out += text.slice(cursor);
  return { text: out, findings };
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
    if (valid) findings.push({ label: detector.label, start: m.index, end: m.index + m[0].length });
  }
}
