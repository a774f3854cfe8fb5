import type { ErrorCode } from '@veil/core';

/** A typed reason a step refuses a batch; it becomes the error envelope of the answer. */
export interface Drop {
  readonly drop: ErrorCode;
  readonly message: string;
}

export function drop(code: ErrorCode, message: string): Drop {
  return { drop: code, message };
}

export function isDrop(value: unknown): value is Drop {
  return typeof value === 'object' && value !== null && 'drop' in value;
}
