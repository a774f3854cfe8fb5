import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  type AuditChainItem,
  type AuditCheckpoint,
  type AuditProblem,
  type AuditVerifyReport,
  auditExportEndSchema,
  auditExportHeaderSchema,
  auditExportItemSchema,
  isAuditAction,
  parseAuditAnchor,
  verifyAuditChain,
} from '@veil/core';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { type AuditLog, nodeSha256 } from '../../audit/AuditLog.js';
import { cliActor } from '../../audit/auditActor.js';
import { type AuditFilters, auditCsvExport, auditJsonlExport } from '../../audit/auditExport.js';
import { auditSignatureCheckFor } from '../../audit/auditSigningKey.js';
import { openAuditLog } from '../../audit/openAuditLog.js';
import { systemClock } from '../../clock.js';
import type { VeilConfig } from '../../config/config.js';
import { validationError } from '../../errors/validationError.js';
import type { Store } from '../../storage/Store.js';
import { type CliIo, collect, withStore } from './shared.js';

/** Runs `work` with the configured store and the audit log (same key as the server). */
export async function withAuditLog<T>(
  io: CliIo,
  work: (store: Store, audit: AuditLog, config: VeilConfig) => Promise<T>,
): Promise<T> {
  return withStore(io, async (store, config) => {
    const opened = await openAuditLog(store, systemClock, config, {
      warn: (message) => io.err(`warning: ${message}`),
      anchorFailed: (error, anchor, checkpoint) =>
        io.err(
          `warning: checkpoint ${checkpoint.seq} not written to the audit anchor (${anchor.description}): ${error instanceof Error ? error.message : String(error)}; the server retries it`,
        ),
    });
    try {
      return await work(store, opened.audit, config);
    } finally {
      await opened.close();
    }
  });
}

function parseTime(value: string): number {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms))
    throw new InvalidArgumentError('expected an ISO date or milliseconds since the epoch');
  return ms;
}

function parseActions(value: string): string[] {
  const names = value.split(',').map((a) => a.trim());
  const bad = names.find((a) => !isAuditAction(a));
  if (bad !== undefined) throw new InvalidArgumentError(`${bad} is not an audit action`);
  return names;
}

function describeOk(report: Extract<AuditVerifyReport, { ok: true }>): string {
  const range = report.headSeq === 0 ? 'the log is empty' : `seq ${report.firstSeq}–${report.headSeq}`;
  const links = report.links > 0 ? ` and ${report.links} links` : '';
  return (
    `OK: ${report.entries} entries${links} intact (${range}), ${report.checkpoints} signed checkpoints` +
    (report.uncheckpointed > 0 ? `; ${report.uncheckpointed} entries after the last checkpoint` : '')
  );
}

function describeProblem(problem: AuditProblem): string {
  return `FAILED: ${problem.kind} at seq ${problem.seq}: ${problem.message}`;
}

/** `veil audit verify` exit status when a problem was found (tampering, or the anchor disagrees). */
export const VERIFY_EXIT_TAMPERED = 1;
/** `veil audit verify` exit status when no verdict could be reached (unreadable or empty input). */
export const VERIFY_EXIT_CANNOT_VERIFY = 2;

/** What an anchor file contributed to a verification. */
export interface AnchorSummary {
  file: string;
  /** Signed checkpoints read from it. */
  checkpoints: number;
  /** The highest seq an anchored checkpoint covers, and when it was signed. */
  anchoredSeq: number;
  anchoredAt: string;
  /** Entries after it: protected by the database alone. */
  unanchored: number;
}

function summariseAnchor(
  file: string,
  checkpoints: readonly AuditCheckpoint[],
  report: AuditVerifyReport,
): AnchorSummary {
  const newest = checkpoints.reduce((a, b) => (b.seq > a.seq ? b : a));
  return {
    file,
    checkpoints: checkpoints.length,
    anchoredSeq: newest.seq,
    anchoredAt: new Date(newest.at).toISOString(),
    unanchored: report.ok ? Math.max(0, report.headSeq - newest.seq) : 0,
  };
}

function describeAnchor(anchor: AnchorSummary): string {
  return `anchor ${anchor.file}: ${anchor.checkpoints} checkpoints, anchored up to seq ${anchor.anchoredSeq} (signed ${anchor.anchoredAt}); ${anchor.unanchored} entries after it`;
}

/** Verifies a JSON Lines export against pinned public keys (what docs/verify-audit-export.mjs does too). */
export async function verifyExportFile(
  file: string,
  publicKeys: readonly Buffer[],
): Promise<AuditVerifyReport> {
  const lines = (await readFile(file, 'utf8')).split('\n').filter((l) => l.trim() !== '');
  const records: unknown[] = lines.map((line) => JSON.parse(line));
  const malformed = (message: string, seq = 0): AuditVerifyReport => ({
    ok: false,
    problem: { kind: 'malformed', seq, message },
    checked: 0,
  });
  const header = auditExportHeaderSchema.safeParse(records[0]);
  if (!header.success) return malformed('line 1 is not a Veil audit export header');
  if (fieldOf(records.at(-1), 'type') !== 'end')
    return malformed('the export has no end line: it was cut short');
  const end = auditExportEndSchema.safeParse(records.at(-1));
  if (!end.success) return malformed(`the end line is malformed: ${validationError(end.error).message}`);
  const items: AuditChainItem[] = [];
  const checkpoints: AuditCheckpoint[] = [];
  for (const [index, record] of records.slice(1, -1).entries()) {
    const type = fieldOf(record, 'type');
    if (type !== 'entry' && type !== 'link' && type !== 'checkpoint')
      return malformed(`unknown line type ${String(type)}`);
    const parsed = auditExportItemSchema.safeParse(record);
    if (!parsed.success) {
      const seq = fieldOf(record, 'seq');
      return malformed(
        `line ${index + 2} is not a valid ${type} line: ${validationError(parsed.error).message}`,
        typeof seq === 'number' ? seq : 0,
      );
    }
    const line = parsed.data;
    if (line.type === 'checkpoint') {
      const { type: _checkpoint, ...checkpoint } = line;
      checkpoints.push(checkpoint);
    } else if (line.type === 'entry') {
      const { type: _entry, ...entry } = line;
      items.push(entry);
    } else {
      const { type: _link, ...link } = line;
      items.push(link);
    }
  }
  if (end.data.entries + end.data.links !== items.length || end.data.checkpoints !== checkpoints.length) {
    return malformed('the end line does not count what the export holds: lines were added or removed');
  }
  return verifyAuditChain(items, {
    sha256: nodeSha256,
    checkpoints,
    checkSignature: auditSignatureCheckFor(publicKeys),
    requiredCheckpointEvery: header.data.checkpointEvery,
  });
}

/** A property of a parsed JSON value, if it is an object that has it. */
function fieldOf(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null && name in value ? Reflect.get(value, name) : undefined;
}

/** `veil audit verify | export | key`. */
export function auditCommand(io: CliIo): Command {
  const audit = new Command('audit').description('verify, export and inspect the tamper-evident audit log');

  audit
    .command('verify')
    .description(
      'check the whole chain and its signed checkpoints; names the first modified, deleted, reordered or inserted entry. Exit status: 0 intact, 1 tampering found (or the anchor disagrees), 2 could not verify (missing or empty file, bad arguments)',
    )
    .option('--file <export.jsonl>', 'verify a JSON Lines export instead of the database')
    .option(
      '--public-key <base64>',
      'with --file: a trusted public key (repeatable; see `veil audit key`)',
      collect,
      [],
    )
    .option(
      '--anchor <file>',
      'also check the database against the checkpoints written to this external anchor (the VEIL_AUDIT_ANCHOR file, or syslog/webhook lines saved to a file): catches a cut-off tail and rewritten entries',
    )
    .option('--json', 'print the report as JSON')
    .action(async (opts: { file?: string; publicKey: string[]; anchor?: string; json?: boolean }) => {
      const cannot = (message: string): never => {
        io.err(`error: ${message}`);
        throw new CommanderError(VERIFY_EXIT_CANNOT_VERIFY, 'veil.audit.cannotVerify', message);
      };
      let report: AuditVerifyReport;
      let anchor: AnchorSummary | undefined;
      if (opts.file) {
        if (opts.anchor) cannot('--anchor checks the database; it cannot be combined with --file');
        if (opts.publicKey.length === 0) cannot('--file needs --public-key (from `veil audit key`)');
        const keys = opts.publicKey.map((k) => Buffer.from(k, 'base64'));
        if (keys.some((k) => k.length !== 32)) cannot('--public-key: expected the base64 of 32 bytes');
        report = await verifyExportFile(opts.file, keys);
      } else if (opts.anchor) {
        const file = path.resolve(io.cwd, opts.anchor);
        let text = '';
        try {
          text = await readFile(file, 'utf8');
        } catch (error) {
          cannot(`cannot read the anchor ${file}: ${(error as Error).message}`);
        }
        const parsed = parseAuditAnchor(text);
        if (parsed.ok && parsed.checkpoints.length === 0)
          cannot(`${file} holds no signed audit checkpoint: is it the VEIL_AUDIT_ANCHOR file?`);
        if (!parsed.ok) {
          report = {
            ok: false,
            problem: { kind: 'malformed', seq: 0, message: `the anchor ${file}: ${parsed.message}` },
            checked: 0,
          };
        } else {
          const checkpoints = parsed.checkpoints;
          report = await withAuditLog(io, (_store, log) => log.verify(checkpoints));
          anchor = summariseAnchor(file, checkpoints, report);
        }
      } else {
        report = await withAuditLog(io, (_store, log) => log.verify());
      }
      if (opts.json) io.out(JSON.stringify(anchor ? { ...report, anchor } : report));
      else if (!report.ok) io.out(describeProblem(report.problem));
      else io.out(describeOk(report) + (anchor ? `; ${describeAnchor(anchor)}` : ''));
      if (!report.ok) throw new CommanderError(VERIFY_EXIT_TAMPERED, 'veil.audit.verifyFailed', '');
    });

  audit
    .command('export')
    .description(
      'export entries as JSON Lines (with the chain; verifiable offline, see docs/audit.md) or CSV',
    )
    .option(
      '--format <format>',
      'jsonl or csv',
      (v) => {
        if (v !== 'jsonl' && v !== 'csv') throw new InvalidArgumentError('expected jsonl or csv');
        return v;
      },
      'jsonl',
    )
    .option('--from <time>', 'entries at or after (ISO date or ms)', parseTime)
    .option('--to <time>', 'entries at or before (ISO date or ms)', parseTime)
    .option('--action <names>', 'comma-separated action names', parseActions)
    .option('--actor <id>', 'id of the acting user or token')
    .option('--site <siteKey>', 'entries about this site')
    .option('--target <id>', 'entries about this target (a session id, a user id…)')
    .option('--text <text>', 'text in the actor, target or details')
    .option('--output <file>', 'write to this file instead of standard output')
    .action(
      async (opts: {
        format: 'jsonl' | 'csv';
        from?: number;
        to?: number;
        action?: string[];
        actor?: string;
        site?: string;
        target?: string;
        text?: string;
        output?: string;
      }) => {
        const filters: AuditFilters = {
          from: opts.from,
          to: opts.to,
          actions: opts.action as AuditFilters['actions'],
          actorId: opts.actor,
          siteKey: opts.site,
          targetId: opts.target,
          text: opts.text,
        };
        await withAuditLog(io, async (store, log) => {
          await log.record({
            action: 'audit.exported',
            actor: cliActor(),
            details: {
              format: opts.format,
              filters: JSON.parse(JSON.stringify(filters)),
              to: opts.output ? 'file' : 'stdout',
            },
          });
          const lines =
            opts.format === 'csv'
              ? auditCsvExport(store, filters)
              : auditJsonlExport(store, log.signingKey, filters, systemClock.now());
          if (!opts.output) {
            for await (const line of lines) io.out(line.replace(/\r?\n$/, ''));
            return;
          }
          const file = createWriteStream(opts.output, { mode: 0o600 });
          for await (const line of lines) if (!file.write(line)) await once(file, 'drain');
          file.end();
          await once(file, 'finish');
          io.err(`wrote ${opts.output}`);
        });
      },
    );

  audit
    .command('key')
    .description('print the public key that signs checkpoints: give it to auditors for offline verification')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      await withAuditLog(io, async (_store, log) => {
        const key = log.signingKey;
        if (opts.json) {
          io.out(
            JSON.stringify({
              keyId: key.keyId,
              publicKey: key.publicKeyBase64,
              publicKeyPem: key.publicKeyPem,
            }),
          );
          return;
        }
        io.out(`key id:     ${key.keyId}`);
        io.out(`public key: ${key.publicKeyBase64}`);
        io.out(key.publicKeyPem.trimEnd());
      });
    });

  return audit;
}
