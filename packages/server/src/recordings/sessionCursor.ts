import { VeilError } from '../errors/VeilError.js';

/**
 * Keyset position of the session list: the last session of a page, with its count of the
 * signal the list is sorted by (when sorted by one).
 */
export interface SessionCursor {
  startedAt: number;
  id: string;
  value?: number | undefined;
}

export function encodeCursor(position: SessionCursor): string {
  const parts: unknown[] = [position.startedAt, position.id];
  if (position.value !== undefined) parts.push(position.value);
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): SessionCursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && (value.length === 2 || value.length === 3)) {
      const [startedAt, id, sortValue] = value as [unknown, unknown, unknown];
      if (
        typeof startedAt === 'number' &&
        Number.isSafeInteger(startedAt) &&
        typeof id === 'string' &&
        id.length <= 64 &&
        (sortValue === undefined || (typeof sortValue === 'number' && Number.isSafeInteger(sortValue)))
      ) {
        return sortValue === undefined ? { startedAt, id } : { startedAt, id, value: sortValue };
      }
    }
  } catch {
    // falls through to the validation error below
  }
  throw new VeilError('validation_failed', 'query cursor: is not a cursor from this API');
}
