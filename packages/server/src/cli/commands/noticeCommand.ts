import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { systemClock } from '../../clock.js';
import { PolicyService } from '../../privacy/PolicyService.js';
import { siteNotice } from '../../privacy/siteNotice.js';
import { noticeQuery } from '../../routes/noticeRoutes.js';
import { withAuditLog } from './auditCommand.js';
import type { CliIo } from './shared.js';

function parseOrigin(value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http(s)');
    return url.origin;
  } catch {
    throw new InvalidArgumentError('expected the URL Veil is reached at, e.g. https://veil.example.com');
  }
}

/**
 * `veil notice --site S [--lang en|de] [--format markdown|html] [--origin URL] [--output FILE]`:
 * the disclosure text for the site's privacy and cookie policies, from its current policy version.
 */
export function noticeCommand(io: CliIo): Command {
  return new Command('notice')
    .description(
      "print the disclosure text for a site's privacy and cookie policies, generated from its current policy",
    )
    .requiredOption('--site <siteKey>', 'the site')
    .option('--lang <lang>', 'en or de', 'en')
    .option('--format <format>', 'markdown or html', 'markdown')
    .option(
      '--origin <url>',
      'the URL Veil is reached at by visitors (recordings go there; the opt-out page is there)',
      parseOrigin,
    )
    .option('--output <file>', 'write to FILE instead of standard output')
    .action(
      async (opts: { site: string; lang: string; format: string; origin?: string; output?: string }) => {
        const parsed = noticeQuery.safeParse({ lang: opts.lang, format: opts.format });
        if (!parsed.success)
          throw new InvalidArgumentError('--lang must be en or de, --format markdown or html');
        await withAuditLog(io, async (store, audit, config) => {
          const site = await store.sites.findByKey(opts.site);
          if (!site) throw new InvalidArgumentError(`no site has the key ${opts.site}`);
          const origin = opts.origin ?? `http://${config.host}:${config.port}`;
          const notice = await siteNotice(new PolicyService({ store, clock: systemClock, audit }), site, {
            language: parsed.data.lang,
            format: parsed.data.format,
            veilOrigin: origin,
            now: systemClock.now(),
          });
          if (opts.output) {
            await writeFile(path.resolve(io.cwd, opts.output), notice.text);
            io.out(
              `Wrote the ${notice.language} notice of ${site.siteKey} (policy version ${notice.policyVersion}) to ${opts.output}`,
            );
          } else {
            io.out(notice.text.trimEnd());
          }
        });
      },
    );
}
