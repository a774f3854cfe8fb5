import { DEVICE_STORAGE } from '@veil/core';
import { describe, expect, it } from 'vitest';
import { STORAGE_PREFIX, StorageKey } from '../../src/shared/storageKeys.js';

describe('storage keys', () => {
  it('are all described, in the right storage area, for the generated disclosure notices', () => {
    // The notice tells visitors what Veil keeps on their device: it must name exactly these keys.
    expect(DEVICE_STORAGE.map((e) => e.key).sort()).toEqual(Object.values(StorageKey).sort());
    for (const key of Object.values(StorageKey)) expect(key.startsWith(STORAGE_PREFIX)).toBe(true);
    const local = new Set<string>([
      StorageKey.Visitor,
      StorageKey.Receipt,
      StorageKey.ReceiptRegistered,
      StorageKey.Choice,
      StorageKey.OptOut,
    ]);
    for (const entry of DEVICE_STORAGE) {
      expect(entry.area, entry.key).toBe(local.has(entry.key) ? 'localStorage' : 'sessionStorage');
    }
  });
});
