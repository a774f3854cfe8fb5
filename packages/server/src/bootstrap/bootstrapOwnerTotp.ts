import { base32Decode, totpStep } from '../auth/totp.js';
import { sealTotpSecret } from '../auth/totpSecretBox.js';
import type { Clock } from '../clock.js';
import type { EnvelopeCipher } from '../crypto/EnvelopeCipher.js';
import type { Store } from '../storage/Store.js';

/**
 * VEIL_ADMIN_TOTP_SECRET: the owner created on first start begins enrolled in TOTP with the
 * configured secret (provisioning by configuration management, and automated tests that compute
 * codes). Without it the owner enrols at first sign-in, like every other user whose role needs it.
 */
export async function bootstrapOwnerTotp(
  store: Store,
  cipher: EnvelopeCipher,
  clock: Clock,
  ownerEmail: string,
  secretBase32: string | undefined,
): Promise<boolean> {
  if (!secretBase32) return false;
  const owner = await store.users.findByEmail(ownerEmail);
  if (!owner || owner.totpEnabledAt !== null) return false;
  await store.users.setPendingTotp(owner.id, sealTotpSecret(cipher, owner.id, base32Decode(secretBase32)));
  // Enrolment by configuration consumes no code: every code from the current window on is good.
  await store.users.enableTotp(owner.id, clock.now(), totpStep(clock.now()) - 2);
  return true;
}
