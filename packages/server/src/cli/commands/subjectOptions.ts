import { parseTagSelector, type SubjectSelector, subjectSelectorSchema } from '@veil/core';
import { type Command, InvalidArgumentError } from 'commander';

/** The selector and request options `veil erase` and `veil export-subject` share. */
export interface SubjectOptions {
  site: string;
  userId?: string;
  visitor?: string;
  session?: string;
  tag?: string;
  request?: string;
  receivedAt?: number;
  reference?: string;
  json?: boolean;
}

function parseTime(value: string): number {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms))
    throw new InvalidArgumentError('expected an ISO date or milliseconds since the epoch');
  return ms;
}

export function addSubjectOptions(command: Command): Command {
  return command
    .requiredOption('--site <siteKey>', 'the site (its siteKey)')
    .option('--user-id <id>', "the site's user id, as given to veil('identify', …) (only its HMAC is used)")
    .option('--visitor <visitorId>', 'a pseudonymous visitor id')
    .option('--session <sessionId>', 'one session')
    .option('--tag <key=value>', "every session tagged with veil('tag', key, value)")
    .option('--request <id>', 'complete this entry of the request log (dsr_…) instead of logging a new one')
    .option('--received-at <date>', 'when the request was received (ISO date or ms); default now', parseTime)
    .option('--reference <text>', 'your reference for the request (a ticket number)');
}

/** Exactly one of `--user-id`, `--visitor`, `--session`, `--tag`. */
export function selectorOf(opts: SubjectOptions): SubjectSelector {
  const given = [opts.userId, opts.visitor, opts.session, opts.tag].filter((v) => v !== undefined);
  if (given.length !== 1) {
    throw new InvalidArgumentError('give exactly one of --user-id, --visitor, --session, --tag key=value');
  }
  let candidate: unknown;
  if (opts.userId !== undefined) candidate = { kind: 'userId', userId: opts.userId };
  else if (opts.visitor !== undefined) candidate = { kind: 'visitorId', visitorId: opts.visitor };
  else if (opts.session !== undefined) candidate = { kind: 'sessionId', sessionId: opts.session };
  else {
    const tag = parseTagSelector(opts.tag ?? '');
    if (!tag) throw new InvalidArgumentError('--tag expects key=value');
    candidate = { kind: 'tag', ...tag };
  }
  const parsed = subjectSelectorSchema.safeParse(candidate);
  if (!parsed.success) {
    throw new InvalidArgumentError(
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    );
  }
  return parsed.data;
}
