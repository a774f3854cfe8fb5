import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { CliIo } from './shared.js';

/** Exit status when findings reach `--fail-on`. */
export const SCAN_EXIT_FINDINGS = 1;
/** Exit status under `--fail-on` when the scan could not look everywhere (fail closed). */
export const SCAN_EXIT_INCOMPLETE = 2;

interface ScanCliOptions {
  crawl: number;
  accept?: string;
  reject?: string;
  json?: string;
  html?: string;
  failOn?: 'high' | 'medium';
  offline?: boolean;
  signatures?: string;
  concurrency: number;
  clickTimeout: number;
  chromium?: string;
}

function positiveInt(max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max)
      throw new InvalidArgumentError(`expected a whole number from 1 to ${max}`);
    return n;
  };
}

/**
 * `veil scan <url…>`: the pre-consent tracker scanner (`@veil/scanner`) for a site's pages, with a
 * JSON and an HTML report and an exit status for CI. The scanner (and Chromium) is loaded only
 * when the command runs.
 */
export function scanCommand(io: CliIo): Command {
  return new Command('scan')
    .description(
      'scan pages in headless Chromium for session recorders, analytics and ads that fire before consent or after a refusal',
    )
    .argument('<url...>', 'start pages (http or https)')
    .option(
      '--crawl <n>',
      'pages per start URL, following same-origin links breadth-first',
      positiveInt(500),
      1,
    )
    .option(
      '--accept <selector>',
      "CSS selector of the consent platform's accept button (adds the after-accept phase)",
    )
    .option(
      '--reject <selector>',
      "CSS selector of the consent platform's reject button (adds the after-reject phase)",
    )
    .option('--json <file>', 'write the full report as JSON (- for standard output)')
    .option('--html <file>', 'write the report as one HTML page for a compliance lead')
    .addOption(
      new Option(
        '--fail-on <level>',
        `exit ${SCAN_EXIT_FINDINGS} when a finding is at or above this severity; exit ${SCAN_EXIT_INCOMPLETE} when a page or a consent button could not be scanned`,
      ).choices(['high', 'medium']),
    )
    .option(
      '--offline',
      'abort requests to other hosts than the scanned ones (an attempt still counts as firing)',
    )
    .option('--signatures <file>', 'a signature file to use instead of the bundled one')
    .option('--concurrency <n>', 'pages visited at once', positiveInt(8), 2)
    .option(
      '--click-timeout <ms>',
      'how long a consent button is waited for once the page settled, in milliseconds',
      positiveInt(120_000),
      10_000,
    )
    .option('--chromium <path>', 'Chromium executable (default: VEIL_CHROMIUM_PATH or /usr/bin/chromium)')
    .addHelpText(
      'after',
      '\nExamples:\n  veil scan https://shop.example --crawl 20 --reject "#reject-all" --accept "#accept-all" --html scan.html --fail-on high\n\nSee docs/scanner.md.',
    )
    .action(async (urls: string[], opts: ScanCliOptions) => {
      const scanner = await import('@veil/scanner');
      const signatures = opts.signatures
        ? scanner.loadSignatures(resolve(io.cwd, opts.signatures))
        : undefined;
      const progress = scanner.createProgressReporter(
        io.errStream ?? { isTTY: false, write: (text: string) => io.err(text.trimEnd()) },
      );
      const report = await scanner.scanSite({
        urls,
        crawl: opts.crawl,
        acceptSelector: opts.accept,
        rejectSelector: opts.reject,
        offline: opts.offline === true,
        concurrency: opts.concurrency,
        clickTimeoutMs: opts.clickTimeout,
        signatures,
        executablePath: opts.chromium ?? io.env.VEIL_CHROMIUM_PATH ?? scanner.DEFAULT_CHROMIUM_PATH,
        onProgress: progress.update,
      });
      progress.finish();
      const json = `${JSON.stringify(report, null, 2)}\n`;
      if (opts.json === '-') io.out(json.trimEnd());
      else if (opts.json) await writeFile(resolve(io.cwd, opts.json), json);
      if (opts.html) await writeFile(resolve(io.cwd, opts.html), scanner.renderHtmlReport(report));
      if (opts.json !== '-') io.out(scanner.renderTextSummary(report));
      if (!opts.failOn) return;
      if (scanner.failsAt(report.findings, opts.failOn))
        throw new CommanderError(SCAN_EXIT_FINDINGS, 'veil.scan.findings', '');
      if (report.summary.pagesFailed > 0 || report.phases.some((p) => p.error))
        throw new CommanderError(SCAN_EXIT_INCOMPLETE, 'veil.scan.incomplete', '');
    });
}
