import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PrivacyPolicy } from '@veil/core';
import { Command, InvalidArgumentError } from 'commander';
import YAML from 'yaml';
import { systemClock } from '../../clock.js';
import { VeilError } from '../../errors/VeilError.js';
import { PolicyService } from '../../privacy/PolicyService.js';
import { withAuditLog } from './auditCommand.js';
import type { CliIo } from './shared.js';

type Format = 'json' | 'yaml';

/** `.yaml`/`.yml` is YAML, anything else JSON; `--format` overrides. */
function formatOf(file: string, explicit?: Format): Format {
  if (explicit) return explicit;
  return /\.ya?ml$/i.test(file) ? 'yaml' : 'json';
}

function parseFormat(value: string): Format {
  if (value !== 'json' && value !== 'yaml') throw new InvalidArgumentError('expected json or yaml');
  return value;
}

function parseVersion(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a version number (1, 2, …)');
  return n;
}

/** The file's text as a policy object (JSON or YAML). */
export function parsePolicyFile(text: string, format: Format): unknown {
  try {
    return format === 'yaml' ? YAML.parse(text) : JSON.parse(text);
  } catch (error) {
    throw new VeilError(
      'invalid_json',
      `the file is not valid ${format.toUpperCase()}: ${(error as Error).message}`,
    );
  }
}

/** A policy as a file teams keep in their repository and review in pull requests. */
export function formatPolicyFile(policy: PrivacyPolicy, format: Format, header: string): string {
  if (format === 'json') return `${JSON.stringify(policy, null, 2)}\n`;
  return `# ${header}\n${YAML.stringify(policy)}`;
}

/**
 * `veil policy pull --site S FILE` and `veil policy push --site S FILE --reason R [--dry-run]`:
 * policy as code. The server's policy is what counts: a push publishes a new version (with its
 * reason, audited) exactly as a dashboard change would; `--dry-run` only prints the diff.
 */
export function policyCommand(io: CliIo): Command {
  const policy = new Command('policy').description("keep a site's privacy policy as code (JSON or YAML)");

  policy
    .command('pull')
    .description("write the site's current policy to FILE (.json, or .yaml/.yml)")
    .requiredOption('--site <siteKey>', 'the site')
    .option('--format <format>', 'json or yaml (default: by the file extension)', parseFormat)
    .argument('<file>', 'where to write the policy')
    .action(async (file: string, opts: { site: string; format?: Format }) => {
      await withAuditLog(io, async (store, audit) => {
        const site = await store.sites.findByKey(opts.site);
        if (!site) throw new InvalidArgumentError(`no site has the key ${opts.site}`);
        const current = await new PolicyService({ store, clock: systemClock, audit }).current(site);
        const format = formatOf(file, opts.format);
        const header = `Veil privacy policy of site ${site.siteKey} (${site.name}), version ${current.version}`;
        await writeFile(path.resolve(io.cwd, file), formatPolicyFile(current.policy, format, header));
        io.out(`Wrote version ${current.version} of the policy of ${site.siteKey} to ${file}`);
      });
    });

  policy
    .command('push')
    .description('publish FILE as the next version of the site policy (or only show the diff)')
    .requiredOption('--site <siteKey>', 'the site')
    .option('--reason <text>', 'why the policy changes (required unless --dry-run)')
    .option('--dry-run', 'validate and print the diff; change nothing')
    .option('--base-version <n>', 'refuse if the current version is not this one', parseVersion)
    .option('--format <format>', 'json or yaml (default: by the file extension)', parseFormat)
    .option('--json', 'print JSON only')
    .argument('<file>', 'the policy to publish')
    .action(
      async (
        file: string,
        opts: {
          site: string;
          reason?: string;
          dryRun?: boolean;
          baseVersion?: number;
          format?: Format;
          json?: boolean;
        },
      ) => {
        const proposed = parsePolicyFile(
          await readFile(path.resolve(io.cwd, file), 'utf8'),
          formatOf(file, opts.format),
        );
        await withAuditLog(io, async (store, audit) => {
          const site = await store.sites.findByKey(opts.site);
          if (!site) throw new InvalidArgumentError(`no site has the key ${opts.site}`);
          const service = new PolicyService({ store, clock: systemClock, audit });
          const preview = await service.preview(site, proposed);
          if (opts.dryRun) {
            if (opts.json) {
              io.out(
                JSON.stringify({
                  baseVersion: preview.baseVersion,
                  changes: preview.changes,
                  diffText: preview.text,
                }),
              );
              return;
            }
            io.out(`Dry run: changes against version ${preview.baseVersion} of ${site.siteKey}:`);
            io.out(preview.text);
            return;
          }
          if (preview.changes.length === 0) {
            // Policy as code runs in pipelines: pushing what is published already is not an error.
            if (opts.json)
              io.out(JSON.stringify({ version: preview.baseVersion, changes: [], diffText: preview.text }));
            else
              io.out(
                `No changes: the policy of ${site.siteKey} is at version ${preview.baseVersion} already`,
              );
            return;
          }
          if (!opts.reason)
            throw new InvalidArgumentError('--reason is required: say why the policy changes');
          const published = await service.update(
            site,
            proposed,
            opts.reason,
            { type: 'cli', id: null, label: 'cli' },
            opts.baseVersion,
          );
          if (opts.json) {
            io.out(
              JSON.stringify({ version: published.version, changes: published.diff, diffText: preview.text }),
            );
            return;
          }
          io.out(`Published version ${published.version} of the policy of ${site.siteKey}:`);
          io.out(preview.text);
        });
      },
    );
  return policy;
}
