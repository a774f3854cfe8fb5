import { Command } from 'commander';
import { eraseSubject, erasureReceiptView } from '../../subjects/eraseSubject.js';
import type { CliIo } from './shared.js';
import { addSubjectOptions, type SubjectOptions, selectorOf } from './subjectOptions.js';
import { CLI_ACTOR, withSubjectRights } from './subjectRights.js';

/** `veil erase`: GDPR Art. 17 / CCPA delete, with crypto-shredding and an erasure receipt. */
export function eraseCommand(io: CliIo): Command {
  const command = new Command('erase').description(
    "erase a data subject's recordings (sessions, chunks, consent receipts; data keys destroyed) and print the erasure receipt",
  );
  addSubjectOptions(command)
    .option('--json', 'print the receipt as JSON only')
    .action(async (opts: SubjectOptions) => {
      const selector = selectorOf(opts);
      const receipt = await withSubjectRights(io, opts.site, async ({ deps, site }) => {
        const result = await eraseSubject(deps, {
          site,
          selector,
          requestedBy: 'cli',
          origin: 'cli',
          actor: CLI_ACTOR,
          requestId: opts.request,
          receivedAt: opts.receivedAt,
          reference: opts.reference ?? null,
        });
        return erasureReceiptView(result.receipt);
      });
      if (opts.json) {
        io.out(JSON.stringify(receipt));
        return;
      }
      io.out(`Erasure receipt ${receipt.id} (request ${receipt.requestId})`);
      io.out(
        `  deleted: ${receipt.sessions} sessions, ${receipt.chunks} chunks, ${receipt.consentReceipts} consent receipts; ${receipt.dataKeysDestroyed} data keys destroyed`,
      );
      io.out(`  at: ${new Date(receipt.completedAt).toISOString()}`);
      if (receipt.sessions === 0) io.out('  (nothing was held: an erasure is idempotent)');
    });
  return command;
}
