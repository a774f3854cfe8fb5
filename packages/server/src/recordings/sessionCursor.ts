import { VeilError } from '../errors/VeilError.js';

/** Keyset position of the session list: the last session of a page. */
export interface SessionCursor {
  startedAt: number;
  id: string;
}

export function encodeCursor(position: SessionCursor): string {
  return Buffer.from(JSON.stringify([position.startedAt, position.id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): SessionCursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2) {
      const [startedAt, id] = value as [unknown, unknown];
      if (
        typeof startedAt === 'number' &&
        Number.isSafeInteger(startedAt) &&
        typeof id === 'string' &&
        id.length <= 64
      ) {
        return { startedAt, id };
      }
    }
  } catch {
    // falls through to the validation error below
  }
  throw new VeilError('validation_failed', 'query cursor: is not a cursor from this API');
}
