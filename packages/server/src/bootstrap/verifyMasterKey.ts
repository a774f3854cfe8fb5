import type { EnvelopeCipher } from '../crypto/EnvelopeCipher.js';
import type { Store } from '../storage/Store.js';

const KEY_CHECK_SETTING = 'master_key_check';

/**
 * Refuses to run with a master key other than the one the database was first used with: every
 * recording would be unreadable and new ones unreadable by the other processes.
 */
export async function verifyMasterKey(store: Store, cipher: EnvelopeCipher): Promise<void> {
  const stored = await store.settings.putIfAbsent(KEY_CHECK_SETTING, cipher.keyCheckValue());
  if (!cipher.matchesKeyCheckValue(stored)) {
    throw new Error(
      'the master key does not match the one this database was created with; set VEIL_MASTER_KEY (or restore master.key) to the original key',
    );
  }
}
