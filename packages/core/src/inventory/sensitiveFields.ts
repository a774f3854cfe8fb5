/**
 * Words that make a field or an element look sensitive: health, national and student ids,
 * vehicles, birth dates, bank accounts and cards. Matched against markup and page text the
 * inventory already holds (name, id, label, placeholder, autocomplete), never against values.
 */
const SENSITIVE_WORDS: ReadonlyArray<readonly [label: string, pattern: RegExp]> = [
  ['diagnosis', /\b(?:diagnos[ie]s|diagnostic|icd ?10|medical condition|symptoms?)\b/],
  ['medical-record', /\b(?:mrn|medical record|patient id|health record)\b/],
  ['insurance-id', /\b(?:insurance (?:id|number|no)|member id|policy number)\b/],
  ['ssn', /\b(?:ssn|social security|sozialversicherung|national insurance|nino|national id)\b/],
  ['student-id', /\b(?:student ?id|student number|matriculation|matrikel)\b/],
  ['vin', /\b(?:vin|vehicle identification)\b/],
  ['dob', /\b(?:dob|date of birth|birth ?date|birthday|bday)\b/],
  ['iban', /\b(?:iban|bic|swift|bank account|account number|sort code|routing number)\b/],
  ['card', /\b(?:card ?number|credit card|card no|cvc|cvv|csc|expiry|card holder)\b/],
  ['passport', /\b(?:passport|driver'?s? licen[cs]e|id card number)\b/],
  ['tax-id', /\b(?:tax ?id|tin|steuer ?id|vat number)\b/],
];

/** `studentId`, `student_id`, `student-id` → `student id`. */
function words(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[-_.:[\]/]+/g, ' ')
    .toLowerCase();
}

/** What the inventory knows of a field or element (markup and label text, never its value). */
export interface SensitiveFieldMarkup {
  name?: string | null;
  elementId?: string | null;
  label?: string | null;
  placeholder?: string | null;
  autocomplete?: string | null;
}

/**
 * The kind of sensitive data a field's markup suggests (`diagnosis`, `ssn`, `student-id`, `vin`,
 * `dob`, `iban`, `card`, …), or null. `autocomplete` tokens of cards (`cc-*`) and birth dates
 * (`bday*`) count on their own.
 */
export function sensitiveFieldLabel(markup: SensitiveFieldMarkup): string | null {
  // The same few fields come back in every batch of a page: their answers are remembered.
  const { autocomplete, name, elementId, label, placeholder } = markup;
  const key = JSON.stringify([
    autocomplete ?? '',
    name ?? '',
    elementId ?? '',
    label ?? '',
    placeholder ?? '',
  ]);
  const known = answers.get(key);
  if (known !== undefined) return known;
  const answer = labelOf(markup);
  if (answers.size >= MAX_REMEMBERED_ANSWERS) answers.clear();
  answers.set(key, answer);
  return answer;
}

/** Answers of `sensitiveFieldLabel` kept at most (a full map is emptied: a spray of names cannot grow it). */
const MAX_REMEMBERED_ANSWERS = 10_000;
const answers = new Map<string, string | null>();

function labelOf(markup: SensitiveFieldMarkup): string | null {
  const autocomplete = (markup.autocomplete ?? '').toLowerCase();
  if (/(?:^|\s)cc-/.test(autocomplete)) return 'card';
  if (/(?:^|\s)bday/.test(autocomplete)) return 'dob';
  const text = [markup.name, markup.elementId, markup.label, markup.placeholder]
    .filter((s): s is string => typeof s === 'string' && s !== '')
    .map(words)
    .join(' | ');
  if (text === '') return null;
  for (const [label, pattern] of SENSITIVE_WORDS) if (pattern.test(text)) return label;
  return null;
}
