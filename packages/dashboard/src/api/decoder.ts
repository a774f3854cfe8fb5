import type { z } from 'zod';
import { DecodeError } from './DecodeError';

/** `body.sessions[0].deviceClass` for zod's `['sessions', 0, 'deviceClass']`. */
function issuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : `${text}.${String(key)}`),
    'body',
  );
}

/**
 * Decodes an answer with its zod schema (declared in the feature's `*Api.ts`, or imported from
 * `@veil/core` when core already has it): a wrong shape throws a `DecodeError` naming the field.
 */
export function decoder<S extends z.ZodType>(schema: S): (body: unknown) => z.output<S> {
  return (body) => {
    const parsed = schema.safeParse(body);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    throw new DecodeError(issuePath(issue?.path ?? []), issue?.message ?? 'invalid');
  };
}
