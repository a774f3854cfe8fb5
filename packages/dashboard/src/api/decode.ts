import type { DeviceClass, RecordedEvent, Role } from '@veil/core';
import { isRole } from '@veil/core';
import type {
  LawfulBasis,
  SessionDetail,
  SessionEvents,
  SessionListPage,
  SessionPage,
  SessionSummary,
  Site,
  User,
  WhoAmI,
} from './types';

/**
 * Decoders for API answers: the server is trusted, but a wrong shape must fail loudly at the
 * boundary (with the field's path) rather than deep inside a component.
 */
export class DecodeError extends Error {
  constructor(
    readonly path: string,
    expected: string,
  ) {
    super(`Unexpected API answer: ${path} should be ${expected}`);
    this.name = 'DecodeError';
  }
}

type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function obj(value: unknown, path: string): Obj {
  if (!isObj(value)) throw new DecodeError(path, 'an object');
  return value;
}

function str(o: Obj, key: string, path: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw new DecodeError(`${path}.${key}`, 'a string');
  return v;
}

function num(o: Obj, key: string, path: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new DecodeError(`${path}.${key}`, 'a number');
  return v;
}

function bool(o: Obj, key: string, path: string): boolean {
  const v = o[key];
  if (typeof v !== 'boolean') throw new DecodeError(`${path}.${key}`, 'a boolean');
  return v;
}

function arr<T>(o: Obj, key: string, path: string, item: (v: unknown, p: string) => T): T[] {
  const v = o[key];
  if (!Array.isArray(v)) throw new DecodeError(`${path}.${key}`, 'an array');
  return v.map((x, i) => item(x, `${path}.${key}[${i}]`));
}

const DEVICE_CLASSES: readonly DeviceClass[] = ['mobile', 'tablet', 'desktop'];
const LAWFUL_BASES: readonly LawfulBasis[] = ['consent', 'legitimate_interest'];

function oneOf<T extends string>(o: Obj, key: string, path: string, values: readonly T[]): T {
  const v = str(o, key, path);
  const found = values.find((x) => x === v);
  if (found === undefined) throw new DecodeError(`${path}.${key}`, `one of ${values.join(', ')}`);
  return found;
}

export function decodeUser(value: unknown, path = 'user'): User {
  const o = obj(value, path);
  const role: unknown = o.role;
  if (!isRole(role)) throw new DecodeError(`${path}.role`, 'a role');
  return { id: str(o, 'id', path), email: str(o, 'email', path), role: role satisfies Role };
}

export function decodeUserEnvelope(value: unknown): User {
  return decodeUser(obj(value, 'body').user);
}

/** `/auth/me` of a cookie session (a bearer token has no `session`: treated as verified). */
export function decodeWhoAmI(value: unknown): WhoAmI {
  const body = obj(value, 'body');
  const user = decodeUser(body.user);
  const session = body.session === undefined ? undefined : obj(body.session, 'body.session');
  if (!session) return { user, secondFactor: 'verified', totpEnabled: false, method: 'password' };
  return {
    user,
    secondFactor: oneOf(session, 'secondFactor', 'body.session', [
      'verified',
      'pending',
      'not_required',
    ] as const),
    totpEnabled: bool(session, 'totpEnabled', 'body.session'),
    method: oneOf(session, 'method', 'body.session', ['password', 'oidc'] as const),
  };
}

export function decodeSite(value: unknown, path = 'site'): Site {
  const o = obj(value, path);
  return {
    siteKey: str(o, 'siteKey', path),
    name: str(o, 'name', path),
    origins: arr(o, 'origins', path, (v, p) => {
      if (typeof v !== 'string') throw new DecodeError(p, 'a string');
      return v;
    }),
    lawfulBasis: oneOf(o, 'lawfulBasis', path, LAWFUL_BASES),
    samplingPercent: num(o, 'samplingPercent', path),
    createdAt: num(o, 'createdAt', path),
  };
}

export function decodeSessionSummary(value: unknown, path = 'session'): SessionSummary {
  const o = obj(value, path);
  const viewport = o.viewportWidth;
  return {
    id: str(o, 'id', path),
    siteKey: str(o, 'siteKey', path),
    startedAt: num(o, 'startedAt', path),
    endedAt: num(o, 'endedAt', path),
    durationMs: num(o, 'durationMs', path),
    pageCount: num(o, 'pageCount', path),
    entryUrl: typeof o.entryUrl === 'string' ? o.entryUrl : '',
    deviceClass: oneOf(o, 'deviceClass', path, DEVICE_CLASSES),
    viewportWidth: typeof viewport === 'number' && Number.isFinite(viewport) ? viewport : null,
    eventCount: num(o, 'eventCount', path),
    finalised: o.finalised === undefined ? true : bool(o, 'finalised', path),
  };
}

function decodeSessionPage(value: unknown, path: string): SessionPage {
  const o = obj(value, path);
  return {
    url: str(o, 'url', path),
    title: typeof o.title === 'string' ? o.title : '',
    ts: num(o, 'ts', path),
  };
}

export function decodeSessionDetail(value: unknown): SessionDetail {
  const o = obj(obj(value, 'body').session, 'session');
  const pages = Array.isArray(o.pages) ? arr(o, 'pages', 'session', decodeSessionPage) : [];
  return { ...decodeSessionSummary(o), pages };
}

export function decodeSessionList(value: unknown): SessionListPage {
  const o = obj(value, 'body');
  const cursor = o.nextCursor;
  if (cursor !== null && cursor !== undefined && typeof cursor !== 'string') {
    throw new DecodeError('body.nextCursor', 'a string or null');
  }
  return {
    sessions: arr(o, 'sessions', 'body', decodeSessionSummary),
    nextCursor: typeof cursor === 'string' && cursor !== '' ? cursor : null,
  };
}

export function decodeSites(value: unknown): Site[] {
  return arr(obj(value, 'body'), 'sites', 'body', decodeSite);
}

export function decodeSiteEnvelope(value: unknown): Site {
  return decodeSite(obj(value, 'body').site);
}

/**
 * Keeps the events rrweb can place on a timeline (numeric `type` and `timestamp`); the rest of
 * an event is untrusted replay data that only the sandboxed replayer interprets.
 */
export function decodeRecordedEvent(value: unknown, path: string): RecordedEvent {
  const o = obj(value, path);
  const type = num(o, 'type', path);
  const timestamp = num(o, 'timestamp', path);
  if (!Number.isInteger(type) || type < 0 || type > 6)
    throw new DecodeError(`${path}.type`, 'an rrweb event type');
  return { ...o, type, timestamp, data: o.data };
}

export function decodeSessionEvents(value: unknown): SessionEvents {
  const o = obj(value, 'body');
  return {
    sessionId: str(o, 'sessionId', 'body'),
    purpose: typeof o.purpose === 'string' ? o.purpose : '',
    ...(isObj(o.grant)
      ? {
          grant: {
            ticket: typeof o.grant.ticket === 'string' ? o.grant.ticket : null,
            expiresAt: num(o.grant, 'expiresAt', 'body.grant'),
          },
        }
      : {}),
    events: arr(o, 'events', 'body', decodeRecordedEvent),
  };
}
