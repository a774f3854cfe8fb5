/**
 * Every key Veil writes to first-party storage starts with `veil:` so that consent withdrawal
 * can remove all of them (`clearVeilStorage`). Nothing is written before a lawful basis exists,
 * except the visitor's own opt-out flag.
 */
export const STORAGE_PREFIX = 'veil:';

// An enum, not an object: esbuild inlines each member a bundle uses, so the loader carries only
// the keys it reads instead of the whole table (`Object.values(StorageKey)` still lists them all).
export enum StorageKey {
  /** sessionStorage: `{"id","seq","at"}` of the tab's session (see `SessionStore`). */
  Session = 'veil:session',
  /** localStorage: the pseudonymous visitor id (only after consent). */
  Visitor = 'veil:visitor',
  /** localStorage: the consent receipt id of the visitor's current grant (new after a withdrawal). */
  Receipt = 'veil:receipt',
  /** localStorage: the receipt id the server has confirmed registering (`POST …/consent`). */
  ReceiptRegistered = 'veil:receipt-ok',
  /**
   * localStorage: the built-in banner's answer, `'1'` or `'0'`. A refusal is the one decision
   * stored before consent (remembering it is what spares the visitor the banner on every page).
   */
  Choice = 'veil:choice',
  /** sessionStorage: `{"s","nv","ref"}`, the session's heatmap segment facts (new visitor, referrer class). */
  Segment = 'veil:segment',
  /** sessionStorage: batches not delivered when the previous page went away. */
  Pending = 'veil:pending',
  /** localStorage: `'1'` once the visitor opted out; kept when consent is withdrawn. */
  OptOut = 'veil:optout',
}
