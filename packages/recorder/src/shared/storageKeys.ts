/**
 * Every key Veil writes to first-party storage starts with `veil:` so that consent withdrawal
 * can remove all of them (`clearVeilStorage`). Nothing is written before a lawful basis exists,
 * except the visitor's own opt-out flag.
 */
export const STORAGE_PREFIX = 'veil:';

export const StorageKey = {
  /** sessionStorage: `{"id","seq","at"}` of the tab's session (see `SessionStore`). */
  Session: 'veil:session',
  /** localStorage: the pseudonymous visitor id (only after consent). */
  Visitor: 'veil:visitor',
  /** sessionStorage: `'1'` or `'0'`, the sampling decision of this tab session. */
  Sampled: 'veil:sampled',
  /** sessionStorage: the consent receipt id of this tab session. */
  Receipt: 'veil:receipt',
  /** sessionStorage: batches not delivered when the previous page went away. */
  Pending: 'veil:pending',
  /** localStorage: `'1'` once the visitor opted out; kept when consent is withdrawn. */
  OptOut: 'veil:optout',
} as const;
