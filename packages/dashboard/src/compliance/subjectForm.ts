import type { SubjectSelector } from '@veil/core';

export type SubjectKind = SubjectSelector['kind'];

export const SUBJECT_KIND_LABELS: Readonly<Record<SubjectKind, string>> = {
  userId: 'User id (as given to veil("identify"))',
  visitorId: 'Visitor id',
  sessionId: 'Session id',
  tag: 'Tag (key=value)',
};

const ID = /^[A-Za-z0-9_-]{8,64}$/;

/** The form's subject as an API selector, or the problem to show next to the field. */
export function selectorFromForm(kind: SubjectKind, value: string): SubjectSelector | { error: string } {
  const v = value.trim();
  if (v === '') return { error: 'Enter whom the request is about.' };
  switch (kind) {
    case 'userId':
      return v.length > 256 ? { error: 'A user id has at most 256 characters.' } : { kind, userId: v };
    case 'visitorId':
      return ID.test(v) ? { kind, visitorId: v } : { error: 'A visitor id is 8–64 letters, digits, - or _.' };
    case 'sessionId':
      return ID.test(v) ? { kind, sessionId: v } : { error: 'A session id is 8–64 letters, digits, - or _.' };
    case 'tag': {
      const at = v.indexOf('=');
      if (at <= 0 || at === v.length - 1) return { error: 'Write the tag as key=value.' };
      return { kind, key: v.slice(0, at), value: v.slice(at + 1) };
    }
  }
}

/** How the log names a recorded selector (a user id only as the start of its hash). */
export function describeSelector(
  s:
    | { kind: 'userId'; userHash: string }
    | { kind: 'visitorId'; visitorId: string }
    | { kind: 'sessionId'; sessionId: string }
    | { kind: 'tag'; key: string; value: string }
    | { kind: 'demo' },
): string {
  switch (s.kind) {
    case 'userId':
      return `user #${s.userHash.slice(0, 10)}`;
    case 'visitorId':
      return `visitor ${s.visitorId}`;
    case 'sessionId':
      return `session ${s.sessionId}`;
    case 'tag':
      return `tag ${s.key}=${s.value}`;
    case 'demo':
      return 'demo data';
  }
}

/** `YYYY-MM-DD` (local) → ms at local midnight, or undefined for an empty field. */
export function receivedAtFromDay(day: string): number | undefined {
  if (day === '') return undefined;
  const [y, m, d] = day.split('-').map(Number);
  if (!y || !m || !d) return undefined;
  return new Date(y, m - 1, d).getTime();
}
