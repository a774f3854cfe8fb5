import { generatePassword, hashPassword } from '../auth/passwords.js';
import type { Clock } from '../clock.js';
import type { VeilConfig } from '../config/config.js';
import type { Store } from '../storage/Store.js';

export interface BootstrapResult {
  /** The owner's email when this call created it. */
  createdEmail: string | undefined;
  /** The generated password, when none was configured: shown once, never stored in clear. */
  generatedPassword: string | undefined;
}

/**
 * On first start (no user at all) creates the owner from VEIL_ADMIN_EMAIL / VEIL_ADMIN_PASSWORD, or
 * with a generated password that the caller prints once to the console (never to the log).
 */
export async function bootstrapOwner(
  store: Store,
  config: VeilConfig,
  clock: Clock,
): Promise<BootstrapResult> {
  if ((await store.users.count()) > 0) return { createdEmail: undefined, generatedPassword: undefined };
  const generated = config.admin.password === undefined ? generatePassword() : undefined;
  const password = config.admin.password ?? generated ?? '';
  const created = await store.users.create({
    email: config.admin.email,
    role: 'owner',
    passwordHash: await hashPassword(password, config.passwordHashing),
    createdAt: clock.now(),
  });
  if (!created) return { createdEmail: undefined, generatedPassword: undefined };
  return { createdEmail: created.email, generatedPassword: generated };
}
