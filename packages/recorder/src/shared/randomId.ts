const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Length of session, visitor and receipt ids: 22 url-safe characters carry 132 random bits. */
export const RANDOM_ID_LENGTH = 22;

/** A random url-safe id from the platform CSPRNG. */
export function randomId(length = RANDOM_ID_LENGTH): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let id = '';
  for (const b of bytes) id += ALPHABET[b & 63];
  return id;
}

/** Ids Veil accepts back from storage or from the page (same rule as the wire format). */
export const URL_SAFE_ID = /^[A-Za-z0-9_-]{8,64}$/;
