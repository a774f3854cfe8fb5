import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { exportSubject } from '../../subjects/exportSubject.js';
import type { CliIo } from './shared.js';
import { addSubjectOptions, type SubjectOptions, selectorOf } from './subjectOptions.js';
import { CLI_ACTOR, withSubjectRights } from './subjectRights.js';

/** `veil export-subject`: GDPR Art. 15/20, one JSON bundle of everything held about the subject. */
export function exportSubjectCommand(io: CliIo): Command {
  const command = new Command('export-subject').description(
    'write everything held about a data subject (sessions with events, consent receipts, opt-outs) as one JSON bundle',
  );
  addSubjectOptions(command)
    .option('--out <file>', 'write the bundle to this file (mode 0600) instead of stdout')
    .action(async (opts: SubjectOptions & { out?: string }) => {
      const selector = selectorOf(opts);
      const result = await withSubjectRights(io, opts.site, async ({ deps, site, cipher }) =>
        exportSubject(
          { ...deps, cipher: await cipher() },
          {
            site,
            selector,
            requestedBy: 'cli',
            origin: 'cli',
            actor: CLI_ACTOR,
            requestId: opts.request,
            receivedAt: opts.receivedAt,
            reference: opts.reference ?? null,
          },
        ),
      );
      if (opts.out === undefined) {
        io.out(result.json);
        return;
      }
      const file = path.resolve(io.cwd, opts.out);
      await writeFile(file, result.json, { mode: 0o600 });
      io.err(
        `Wrote ${result.bytes} bytes (${result.sessions} sessions) to ${file}; request ${result.request.id}`,
      );
    });
  return command;
}
