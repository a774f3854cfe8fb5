import { randomId, URL_SAFE_ID } from '../shared/randomId.js';
import { type KeyValueStorage, readKey, writeKey } from '../shared/storage.js';
import { StorageKey } from '../shared/storageKeys.js';

/**
 * The pseudonymous visitor id in first-party localStorage (called only once a lawful basis
 * exists). Undefined when storage is denied: batches then carry no visitor id.
 */
export function visitorIdFrom(storage: KeyValueStorage | null): string | undefined {
  const stored = readKey(storage, StorageKey.Visitor);
  if (stored && URL_SAFE_ID.test(stored)) return stored;
  const id = randomId();
  return writeKey(storage, StorageKey.Visitor, id) ? id : undefined;
}
