import { STORAGE_PREFIX, StorageKey } from './storageKeys.js';

/** What Veil needs of `localStorage` / `sessionStorage` (a `Map` stand-in in unit tests). */
export interface KeyValueStorage {
  readonly length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The storage, or null when the browser denies it (privacy modes, sandboxed frames). */
export function storageOf(name: 'localStorage' | 'sessionStorage'): KeyValueStorage | null {
  try {
    return window[name];
  } catch {
    return null;
  }
}

export function readKey(storage: KeyValueStorage | null, key: string): string | null {
  try {
    return storage ? storage.getItem(key) : null;
  } catch {
    return null;
  }
}

/** False when the write failed (quota, denied storage): callers degrade, never throw. */
export function writeKey(storage: KeyValueStorage | null, key: string, value: string): boolean {
  try {
    if (!storage) return false;
    storage.setItem(key, value);
    return true;
  } catch {
    return false;
  }
}

export function removeKey(storage: KeyValueStorage | null, key: string): void {
  try {
    storage?.removeItem(key);
  } catch {
    // Denied storage holds nothing of ours.
  }
}

/** Removes every `veil:` key except the opt-out flag, which records the visitor's own wish. */
export function clearVeilStorage(storage: KeyValueStorage | null): void {
  try {
    if (!storage) return;
    const keys: string[] = [];
    for (let i = 0; i < storage.length; i++) {
      const k = storage.key(i);
      if (k?.startsWith(STORAGE_PREFIX) && k !== StorageKey.OptOut) keys.push(k);
    }
    for (const k of keys) storage.removeItem(k);
  } catch {
    // Denied storage holds nothing of ours.
  }
}
