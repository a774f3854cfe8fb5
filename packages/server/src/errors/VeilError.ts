import { ERROR_CODES, type ErrorBody, type ErrorCode } from '@veil/core';

/** An error with a stable code from core's registry; its HTTP status follows from the code. */
export class VeilError extends Error {
  readonly statusCode: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'VeilError';
    this.statusCode = ERROR_CODES[code];
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}

export function errorBody(code: ErrorCode, message: string): ErrorBody {
  return { error: { code, message } };
}
