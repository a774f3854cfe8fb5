import { z } from 'zod';
import { MAX_USER_ID_CHARS } from './limits.js';

const idPattern = /^[A-Za-z0-9_-]{8,64}$/;

/**
 * Whom a data-subject request is about, within one site: the site's own user id (given to
 * `veil('identify', …)`; only its keyed hash is ever stored), a pseudonymous visitor id, one
 * session, or every session carrying a tag (`veil('tag', key, value)`, e.g. a supplier whose
 * contract ended).
 */
export const subjectSelectorSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('userId'), userId: z.string().min(1).max(MAX_USER_ID_CHARS) }),
  z.object({ kind: z.literal('visitorId'), visitorId: z.string().regex(idPattern, 'is not a visitor id') }),
  z.object({ kind: z.literal('sessionId'), sessionId: z.string().regex(idPattern, 'is not a session id') }),
  z.object({
    kind: z.literal('tag'),
    key: z.string().min(1).max(64),
    value: z.string().min(1).max(500),
  }),
]);
export type SubjectSelector = z.infer<typeof subjectSelectorSchema>;

/**
 * Every session recorded as demo data within the site (the demo site's sessions, `veil demo`):
 * not a person, so only Veil's own commands use it (`veil demo --erase`), never the request API.
 */
export interface DemoDataSelector {
  kind: 'demo';
}

/**
 * The selector as evidence may name it: a user id only as its keyed hash (`userHash`), never in
 * clear; the others as given (pseudonymous ids, a tag).
 */
export type RecordedSelector =
  | { kind: 'userId'; userHash: string }
  | { kind: 'visitorId'; visitorId: string }
  | { kind: 'sessionId'; sessionId: string }
  | { kind: 'tag'; key: string; value: string }
  | DemoDataSelector;

/** `key=value` of the CLI's `--tag`; the first `=` splits. */
export function parseTagSelector(text: string): { key: string; value: string } | null {
  const at = text.indexOf('=');
  if (at <= 0 || at === text.length - 1) return null;
  return { key: text.slice(0, at), value: text.slice(at + 1) };
}
