import type { Clock } from '../clock.js';
import type { EnvelopeCipher } from '../crypto/EnvelopeCipher.js';
import type { UserRecord } from '../storage/accounts/UserRepository.js';
import type { Store } from '../storage/Store.js';
import { verifyTotp } from './totp.js';
import { openTotpSecret } from './totpSecretBox.js';

/**
 * Checks a user's TOTP code against their sealed secret and consumes its time step, so the same
 * code (or an older one) never works twice, even across processes. `pending` checks the secret of
 * an enrolment not yet confirmed.
 */
export async function checkTotpCode(
  deps: { store: Store; clock: Clock; cipher: EnvelopeCipher },
  user: UserRecord,
  code: string,
): Promise<boolean> {
  if (!user.totpSecretSealed) return false;
  const secret = openTotpSecret(deps.cipher, user.id, user.totpSecretSealed);
  try {
    const step = verifyTotp(secret, code, deps.clock.now(), user.totpLastStep);
    if (step === undefined) return false;
    if (user.totpEnabledAt === null) return true; // enrolment: the caller enables with this step
    return deps.store.users.useTotpStep(user.id, step);
  } finally {
    secret.fill(0);
  }
}

/** The step a valid enrolment code matched (to record as used when TOTP is switched on). */
export function totpStepOf(
  deps: { clock: Clock; cipher: EnvelopeCipher },
  user: UserRecord,
  code: string,
): number | undefined {
  if (!user.totpSecretSealed) return undefined;
  const secret = openTotpSecret(deps.cipher, user.id, user.totpSecretSealed);
  try {
    return verifyTotp(secret, code, deps.clock.now(), null);
  } finally {
    secret.fill(0);
  }
}
