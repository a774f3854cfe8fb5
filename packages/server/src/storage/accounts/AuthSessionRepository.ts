import type { UserRecord } from './UserRepository.js';

export interface AuthSessionRecord {
  id: string;
  userId: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  /** When a second factor was passed in this session. */
  secondFactorAt: number | null;
  method: 'password' | 'oidc';
}

export interface AuthSessionRepository {
  create(session: {
    tokenHash: string;
    userId: string;
    createdAt: number;
    expiresAt: number;
    secondFactorAt?: number | null;
    method?: 'password' | 'oidc';
  }): Promise<AuthSessionRecord>;
  findByTokenHash(tokenHash: string): Promise<{ session: AuthSessionRecord; user: UserRecord } | undefined>;
  touch(id: string, lastSeenAt: number): Promise<void>;
  delete(id: string): Promise<void>;
  markSecondFactor(id: string, at: number): Promise<void>;
  /** Ends every session of a user ("sign out everywhere"); returns how many. */
  deleteAllForUser(userId: string): Promise<number>;
  /** Deletes sessions past their absolute expiry or idle since before `idleBefore`; returns how many. */
  deleteExpired(now: number, idleBefore: number): Promise<number>;
}
