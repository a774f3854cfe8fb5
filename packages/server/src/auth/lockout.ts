/** Consecutive wrong passwords (or TOTP codes) after which an account locks. */
export const MAX_CONSECUTIVE_LOGIN_FAILURES = 5;
/** How long a locked account refuses every sign-in, even with the right password. */
export const ACCOUNT_LOCK_MS = 15 * 60 * 1000;
