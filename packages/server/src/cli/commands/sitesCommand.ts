import { Command, InvalidArgumentError, Option } from 'commander';
import { systemClock } from '../../clock.js';
import { createSite } from '../../sites/createSite.js';
import { siteView } from '../../sites/siteView.js';
import { type CliIo, collect, withStore } from './shared.js';

function parsePercent(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 100)
    throw new InvalidArgumentError('expected a number from 0 to 100');
  return n;
}

export function sitesCommand(io: CliIo): Command {
  const sites = new Command('sites').description('manage recorded sites');
  sites
    .command('add')
    .description(
      'create a site; prints it with its siteKey (the data-site of the snippet). The CLI acts as the operator, with every site; over the API only callers with every site may (docs/access.md)',
    )
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--origin <url>', 'an origin the site is served from (repeatable)', collect)
    .option('--sampling <percent>', 'share of visitors recorded, 0-100 (default 20)', parsePercent)
    .addOption(
      new Option('--lawful-basis <basis>', 'lawful basis of the recording (default consent)').choices([
        'consent',
        'legitimate_interest',
      ]),
    )
    .option('--json', 'print JSON only')
    .action(
      async (opts: {
        name: string;
        origin: string[];
        sampling?: number;
        lawfulBasis?: 'consent' | 'legitimate_interest';
        json?: boolean;
      }) => {
        const site = await withStore(io, (store) =>
          createSite(store, systemClock, {
            name: opts.name,
            origins: opts.origin,
            samplingPercent: opts.sampling,
            lawfulBasis: opts.lawfulBasis,
          }),
        );
        const view = siteView(site);
        if (opts.json) {
          io.out(JSON.stringify(view));
          return;
        }
        io.out(`Created site "${view.name}" with key ${view.siteKey}`);
        io.out(`  origins: ${view.origins.join(', ')}`);
        io.out(`  sampling: ${view.samplingPercent} %, lawful basis: ${view.lawfulBasis}`);
        io.out(
          `Snippet: <script src="https://YOUR-VEIL-HOST/r/v1/loader.js" data-site="${view.siteKey}" async></script>`,
        );
        if (view.lawfulBasis === 'legitimate_interest') {
          io.err(
            'Note: legitimate_interest needs a documented assessment in the site policy before it is complete.',
          );
        }
      },
    );
  return sites;
}
