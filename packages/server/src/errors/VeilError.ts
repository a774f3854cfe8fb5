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
    return errorBody(this.code, this.message);
  }
}

/** The one error envelope, `{ error: { code, message } }`: every API and ingest error is built here. */
export function errorBody(code: ErrorCode, message: string): ErrorBody {
  return { error: { code, message } };
}
