import type { DeviceClass, RecordedEvent, Role } from '@veil/core';

/** The logged-in user, as `GET /api/v1/auth/me` answers. */
export interface User {
  id: string;
  email: string;
  role: Role;
}

/** `GET /auth/me` for a cookie session: the user and its second factor. */
export interface WhoAmI {
  user: User;
  secondFactor: 'verified' | 'pending' | 'not_required';
  totpEnabled: boolean;
  method: 'password' | 'oidc';
}

export type LawfulBasis = 'consent' | 'legitimate_interest';

/** `Site` of docs/api.md. */
export interface Site {
  siteKey: string;
  name: string;
  origins: string[];
  lawfulBasis: LawfulBasis;
  samplingPercent: number;
  createdAt: number;
}

/** `SessionSummary` of docs/api.md; the list is newest first. */
export interface SessionSummary {
  id: string;
  siteKey: string;
  startedAt: number;
  endedAt: number;
  durationMs: number;
  pageCount: number;
  entryUrl: string;
  deviceClass: DeviceClass;
  viewportWidth: number | null;
  eventCount: number;
  /** False while the session may still receive batches. */
  finalised: boolean;
}

/** One page view of a session, with its absolute time. */
export interface SessionPage {
  url: string;
  title: string;
  ts: number;
}

export interface SessionDetail extends SessionSummary {
  pages: SessionPage[];
}

export interface SessionListPage {
  sessions: SessionSummary[];
  nextCursor: string | null;
}

/** The answer of a raw replay access: decrypted rrweb events, logged with their purpose. */
export interface SessionEvents {
  sessionId: string;
  purpose: string;
  /** The time-limited grant this access runs under (its ticket reference and end). */
  grant?: { ticket: string | null; expiresAt: number };
  events: RecordedEvent[];
}
