import { randomBytes } from 'node:crypto';

/** A site key: 16 random bytes, base64url (22 characters; the wire format allows 8–64). */
export function newSiteKey(): string {
  return randomBytes(16).toString('base64url');
}
