import {
  ATTESTATION_KINDS,
  type AttestationKind,
  newAttestationSchema,
  processorInputSchema,
} from '@veil/core';
import { Command, InvalidArgumentError } from 'commander';
import { cliActor } from '../../audit/auditActor.js';
import { systemClock } from '../../clock.js';
import { deleteProcessor, putProcessor, recordAttestation } from '../../compliance/complianceRegister.js';
import { parseInstant } from '../../compliance/reportPeriod.js';
import type { Store } from '../../storage/Store.js';
import type { SiteRecord } from '../../storage/sites/SiteRepository.js';
import { withAuditLog } from './auditCommand.js';
import type { CliIo } from './shared.js';

const day = (ms: number | null) => (ms === null ? '—' : new Date(ms).toISOString().slice(0, 10));

async function siteOf(store: Store, key: string): Promise<SiteRecord> {
  const site = await store.sites.findByKey(key);
  if (!site) throw new Error(`no site has the key ${key}`);
  return site;
}

function parseDate(value: string): number {
  const ms = parseInstant(value, false);
  if (ms === undefined) throw new InvalidArgumentError('expected YYYY-MM-DD, an ISO time or ms');
  return ms;
}

function parseKind(value: string): AttestationKind {
  const found = ATTESTATION_KINDS.find((k) => k === value);
  if (!found) throw new InvalidArgumentError(`expected one of ${ATTESTATION_KINDS.join(', ')}`);
  return found;
}

/** `veil processors list|add|remove`: the site's processor / DPA register (changes audited). */
export function processorsCommand(io: CliIo): Command {
  const cmd = new Command('processors').description(
    'the processor / DPA register of a site (the compliance pack lists it)',
  );
  cmd
    .command('list')
    .description('list the register')
    .requiredOption('--site <siteKey>', 'the site')
    .option('--json', 'print JSON')
    .action(async (opts: { site: string; json?: boolean }) => {
      await withAuditLog(io, async (store) => {
        const site = await siteOf(store, opts.site);
        const list = await store.compliance.listProcessors(site.id);
        if (opts.json) return io.out(JSON.stringify({ processors: list }, null, 2));
        if (list.length === 0) return io.out('The register is empty.');
        for (const p of list)
          io.out(
            `${p.id}  ${p.name} (${p.role}, ${p.location}): ${p.purpose}; DPA signed ${day(p.dpaSignedAt)}${p.dpaReference ? ` (${p.dpaReference})` : ''}`,
          );
      });
    });
  cmd
    .command('add')
    .description('add a processor (or replace one with --id)')
    .requiredOption('--site <siteKey>', 'the site')
    .requiredOption('--name <name>', 'the processor, e.g. the hosting provider')
    .requiredOption('--purpose <text>', 'what it does for the site')
    .requiredOption('--location <where>', 'country or region where it processes')
    .option('--role <role>', 'processor or subprocessor', 'processor')
    .option('--dpa-signed <date>', 'when the DPA was signed', parseDate)
    .option('--dpa-reference <ref>', 'where the signed DPA is kept')
    .option('--id <id>', 'replace this processor instead of adding one')
    .option('--json', 'print JSON')
    .action(
      async (opts: {
        site: string;
        name: string;
        purpose: string;
        location: string;
        role: string;
        dpaSigned?: number;
        dpaReference?: string;
        id?: string;
        json?: boolean;
      }) => {
        const input = processorInputSchema.safeParse({
          name: opts.name,
          purpose: opts.purpose,
          location: opts.location,
          role: opts.role,
          dpaSignedAt: opts.dpaSigned ?? null,
          dpaReference: opts.dpaReference ?? null,
        });
        if (!input.success)
          throw new Error(input.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
        await withAuditLog(io, async (store, audit) => {
          const site = await siteOf(store, opts.site);
          const p = await putProcessor(
            { store, clock: systemClock, audit },
            site,
            input.data,
            { label: 'cli', actor: cliActor() },
            opts.id,
          );
          io.out(
            opts.json
              ? JSON.stringify({ processor: p }, null, 2)
              : `${opts.id ? 'Replaced' : 'Added'} ${p.name} (${p.id})`,
          );
        });
      },
    );
  cmd
    .command('remove')
    .description('remove a processor from the register')
    .requiredOption('--site <siteKey>', 'the site')
    .requiredOption('--id <id>', 'the processor')
    .action(async (opts: { site: string; id: string }) => {
      await withAuditLog(io, async (store, audit) => {
        const site = await siteOf(store, opts.site);
        await deleteProcessor({ store, clock: systemClock, audit }, site, opts.id, {
          label: 'cli',
          actor: cliActor(),
        });
        io.out(`Removed ${opts.id}`);
      });
    });
  return cmd;
}

/** `veil attest --site S --kind K --statement TEXT --by NAME [--reference REF]`: a dated, attributed attestation (a year). */
export function attestCommand(io: CliIo): Command {
  return new Command('attest')
    .description(
      'record an attestation of a practice Veil holds no evidence of; it counts in the readiness score for a year',
    )
    .requiredOption('--site <siteKey>', 'the site')
    .requiredOption('--kind <kind>', ATTESTATION_KINDS.join(', '), parseKind)
    .requiredOption('--statement <text>', 'what was done')
    .requiredOption('--by <name>', 'who attests (name or email)')
    .option('--reference <ref>', 'where the evidence is kept (document, ticket)')
    .option('--json', 'print JSON')
    .action(
      async (opts: {
        site: string;
        kind: AttestationKind;
        statement: string;
        by: string;
        reference?: string;
        json?: boolean;
      }) => {
        const input = newAttestationSchema.safeParse({
          kind: opts.kind,
          statement: opts.statement,
          reference: opts.reference,
        });
        if (!input.success)
          throw new Error(input.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
        const by = opts.by.trim();
        if (by.length < 2 || by.length > 200) throw new Error('--by must name the person attesting');
        await withAuditLog(io, async (store, audit) => {
          const site = await siteOf(store, opts.site);
          const a = await recordAttestation({ store, clock: systemClock, audit }, site, input.data, {
            label: by,
            actor: cliActor(),
          });
          io.out(
            opts.json
              ? JSON.stringify({ attestation: a }, null, 2)
              : `Recorded ${a.kind} by ${a.attestedBy}, valid until ${day(a.expiresAt)} (${a.id})`,
          );
        });
      },
    );
}
