import type { z } from 'zod';
import { VeilError } from './VeilError.js';

/** At most this many issues are named in one message. */
const MAX_ISSUES_IN_MESSAGE = 3;

/**
 * A `validation_failed` error whose message names the offending fields (`events.3.timestamp: …`).
 * Messages are zod's, which describe the expected shape and never echo the value.
 */
export function validationError(error: z.ZodError, location?: string): VeilError {
  const parts = error.issues.slice(0, MAX_ISSUES_IN_MESSAGE).map((issue) => {
    const field = issue.path.map(String).join('.');
    const where = [location, field].filter((s) => s !== undefined && s !== '').join(' ');
    return where ? `${where}: ${issue.message}` : issue.message;
  });
  const more =
    error.issues.length > MAX_ISSUES_IN_MESSAGE
      ? ` (+${error.issues.length - MAX_ISSUES_IN_MESSAGE} more)`
      : '';
  return new VeilError('validation_failed', `${parts.join('; ')}${more}`);
}

/** Parses untrusted input with `schema` or throws a `validation_failed` VeilError. */
export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown, location?: string): z.output<T> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(result.error, location);
  return result.data;
}
