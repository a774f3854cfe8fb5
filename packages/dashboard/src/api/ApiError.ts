import type { ErrorCode } from '@veil/core';
import { ERROR_CODES } from '@veil/core';

/** Failures that happen before or after the server could answer with its envelope. */
export type ClientErrorCode = 'network_error' | 'bad_response' | 'http_error' | 'aborted';
export type ApiErrorCode = ErrorCode | ClientErrorCode;

/** Every failed API call rejects with this: the server's `{error:{code,message}}`, or a client-side code. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    /** HTTP status; 0 when no answer arrived. */
    readonly status: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** True for a request the caller cancelled (a component unmounted, a newer request replaced it). */
  get aborted(): boolean {
    return this.code === 'aborted';
  }
}

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

/** Reads the error envelope of a failed answer; tolerates bodies that are not the envelope. */
export function apiErrorFromBody(status: number, body: unknown): ApiError {
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const error: unknown = body.error;
    if (typeof error === 'object' && error !== null) {
      const code: unknown = 'code' in error ? error.code : undefined;
      const message: unknown = 'message' in error ? error.message : undefined;
      const text = typeof message === 'string' && message !== '' ? message : `Request failed (${status})`;
      return new ApiError(isErrorCode(code) ? code : 'http_error', text, status);
    }
  }
  return new ApiError('http_error', `Request failed (${status})`, status);
}

/** A short sentence for an error, for places that show one line. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'network_error')
      return 'The Veil server could not be reached. Check your connection and try again.';
    if (error.code === 'forbidden') return `Your role does not allow this. ${error.message}`;
    return error.message;
  }
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}
