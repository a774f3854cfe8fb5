import { describe, expect, it } from 'vitest';
import { bearerFromHeader } from '../../src/auth/authenticate.js';
import { LOGIN_FAILURE_WINDOW_MS, LoginThrottle, MAX_LOGIN_FAILURES } from '../../src/auth/LoginThrottle.js';
import { generatePassword, hashPassword, verifyPassword } from '../../src/auth/passwords.js';
import {
  isApiTokenShaped,
  isSessionTokenShaped,
  newApiToken,
  newSessionToken,
  tokenHash,
} from '../../src/auth/secrets.js';
import { ManualClock } from '../../src/clock.js';
import { FAST_HASHING } from '../support/testApp.js';

describe('passwords', () => {
  it('hash with argon2id and verify', async () => {
    const hash = await hashPassword('s3cret password', FAST_HASHING);
    expect(hash.startsWith('$argon2id$')).toBe(true);
    expect(await verifyPassword(hash, 's3cret password')).toBe(true);
    expect(await verifyPassword(hash, 'wrong')).toBe(false);
    expect(await verifyPassword('not a hash', 'x')).toBe(false);
    expect(await verifyPassword('$argon2id$garbage', 'x')).toBe(false);
    expect(generatePassword()).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(generatePassword()).not.toBe(generatePassword());
  });
});

describe('tokens', () => {
  it('have the documented shapes and are stored as SHA-256', () => {
    const session = newSessionToken();
    const api = newApiToken();
    expect(isSessionTokenShaped(session)).toBe(true);
    expect(isApiTokenShaped(api)).toBe(true);
    expect(isApiTokenShaped(session)).toBe(false);
    expect(isSessionTokenShaped(`${session}x`)).toBe(false);
    expect(tokenHash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(bearerFromHeader('Bearer veil_abc')).toBe('veil_abc');
    expect(bearerFromHeader('bearer   veil_abc  ')).toBe('veil_abc');
    expect(bearerFromHeader('Basic abc')).toBeUndefined();
    expect(bearerFromHeader(undefined)).toBeUndefined();
  });
});

describe('LoginThrottle', () => {
  it('blocks an account after too many failures within the window', () => {
    const clock = new ManualClock();
    const throttle = new LoginThrottle(clock);
    for (let i = 0; i < MAX_LOGIN_FAILURES - 1; i++) throttle.recordFailure('a@x');
    expect(throttle.isBlocked('a@x')).toBe(false);
    throttle.recordFailure('a@x');
    expect(throttle.isBlocked('a@x')).toBe(true);
    expect(throttle.isBlocked('b@x')).toBe(false);
    clock.advance(LOGIN_FAILURE_WINDOW_MS);
    expect(throttle.isBlocked('a@x')).toBe(false);
    throttle.recordFailure('a@x');
    throttle.recordSuccess('a@x');
    expect(throttle.isBlocked('a@x')).toBe(false);
  });
});
