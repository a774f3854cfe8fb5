import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPORT_FORMATS, type ReportFormat } from '@veil/core';
import { Command, InvalidArgumentError } from 'commander';
import { cliActor } from '../../audit/auditActor.js';
import { systemClock } from '../../clock.js';
import { buildComplianceReport } from '../../compliance/buildComplianceReport.js';
import { renderReport } from '../../compliance/renderReport.js';
import { reportPeriod } from '../../compliance/reportPeriod.js';
import { withAuditLog } from './auditCommand.js';
import type { CliIo } from './shared.js';

function parseFormat(value: string): ReportFormat {
  const found = REPORT_FORMATS.find((f) => f === value);
  if (!found) throw new InvalidArgumentError(`expected one of ${REPORT_FORMATS.join(', ')}`);
  return found;
}

/**
 * `veil report --site S [--from D] [--to D] [--format html|pdf|json] [--output F]`: the compliance
 * pack of a site, built from this Veil's database, recorded in the audit log (`report.downloaded`).
 * Progress goes to standard error; the pack to `--output` or standard output.
 */
export function reportCommand(io: CliIo): Command {
  return new Command('report')
    .description(
      "build a site's compliance pack (record of processing, evidence, readiness score, checklists)",
    )
    .requiredOption('--site <siteKey>', 'the site')
    .option('--from <date>', 'start of the period: YYYY-MM-DD, ISO time or ms (default: 30 days before --to)')
    .option('--to <date>', 'end of the period, that day included (default: now)')
    .option('--format <format>', `${REPORT_FORMATS.join(', ')}`, parseFormat, 'pdf' as ReportFormat)
    .option('--output <file>', 'write to FILE (default: standard output; required for pdf)')
    .option('--origin <url>', 'the URL Veil is reached at, for the evidence links')
    .action(
      async (opts: {
        site: string;
        from?: string;
        to?: string;
        format: ReportFormat;
        output?: string;
        origin?: string;
      }) => {
        if (opts.format === 'pdf' && !opts.output) throw new Error('--format pdf needs --output FILE');
        await withAuditLog(io, async (store, audit, config) => {
          const site = await store.sites.findByKey(opts.site);
          if (!site) throw new Error(`no site has the key ${opts.site}`);
          const period = reportPeriod(opts.from, opts.to, systemClock.now());
          const started = Date.now();
          const report = await buildComplianceReport(
            { store, clock: systemClock, audit },
            {
              site,
              period,
              generatedBy: 'cli',
              onProgress: (step, done, total) => io.err(`[${done}/${total}] ${step}`),
            },
          );
          const out = await renderReport(report, opts.format, {
            origin: opts.origin ?? `http://${config.host}:${config.port}`,
            chromiumPath: config.chromiumPath,
            dashboardDir: config.dashboardDir,
            onProgress: (step) => io.err(step),
          });
          await audit.record({
            action: 'report.downloaded',
            actor: cliActor(),
            siteKey: site.siteKey,
            target: { type: 'compliance_pack', id: site.siteKey },
            details: {
              report: 'compliance-pack',
              format: opts.format,
              from: period.from,
              to: period.to,
              bytes: out.body.length,
            },
          });
          if (opts.output) {
            await writeFile(path.resolve(io.cwd, opts.output), out.body);
            io.err(
              `Wrote the ${opts.format} compliance pack of ${site.siteKey} (${out.body.length} bytes, readiness ${report.readiness.score}/${report.readiness.max}) to ${opts.output} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
            );
          } else {
            io.out(out.body.toString('utf8').trimEnd());
          }
        });
      },
    );
}
