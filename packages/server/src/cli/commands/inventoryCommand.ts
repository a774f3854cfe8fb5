import { INVENTORY_STATUSES, type InventoryItem, type InventoryResponse } from '@veil/core';
import { Command } from 'commander';
import { VeilError } from '../../errors/VeilError.js';
import { inventoryListing } from '../../inventory/inventoryListing.js';
import type { CliIo } from './shared.js';
import { withStore } from './shared.js';

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** One line for an element: what it is, how it is captured, its review. */
function elementLine(item: InventoryItem): string {
  const what = [
    item.kind,
    item.tag ?? '',
    item.name ? `name=${item.name}` : '',
    item.inputType ? `type=${item.inputType}` : '',
    item.autocomplete ? `autocomplete=${item.autocomplete}` : '',
    item.label ? `"${item.label}"` : '',
  ]
    .filter((s) => s !== '')
    .join(' ');
  const flags = [item.capture ?? '', item.status, item.sensitive ? `sensitive: ${item.sensitive}` : '']
    .filter((s) => s !== '')
    .join(', ');
  return `    ${what}  [${flags}]  ${item.path}`;
}

function print(io: CliIo, inv: InventoryResponse): void {
  const s = inv.storage;
  io.out(`${inv.siteKey} (${inv.siteName})`);
  io.out(
    `  storage: ${s.engine}, ${s.encryption}; retention ${s.retentionDays} days (policy v${s.policyVersion}); network payloads ${s.networkPayloadsCaptured ? 'captured' : 'not captured'}`,
  );
  if (inv.items.length === 0) {
    io.out('  no inventory items');
    return;
  }
  const pages = [...new Set(inv.items.map((i) => i.pagePattern))];
  for (const pattern of pages) {
    const items = inv.items.filter((i) => i.pagePattern === pattern);
    const page = items.find((i) => i.kind === 'page');
    io.out(
      page
        ? `  ${pattern}  [page, ${page.status}]  seen ${day(page.firstSeenAt)} – ${day(page.lastSeenAt)}, ${page.sessions} sessions${page.networkPayloadEvents > 0 ? `, ${page.networkPayloadEvents} network payloads` : ''}`
        : `  ${pattern}`,
    );
    for (const item of items) if (item.kind !== 'page') io.out(elementLine(item));
  }
  const pending = inv.items.filter((i) => i.status === 'pending').length;
  io.out(`  ${inv.items.length} items, ${pending} pending review`);
}

/** `veil inventory [--site S] [--pending] [--json]`: the data inventory of each site. */
export function inventoryCommand(io: CliIo): Command {
  return new Command('inventory')
    .description(
      'the data inventory: pages, form fields, iframes and sensitive-looking elements seen in the recordings, how each is captured (masked, blocked, captured) and its review; storage and retention',
    )
    .option('--site <key>', 'only this site')
    .option('--pending', `only items pending review (of ${INVENTORY_STATUSES.join(', ')})`)
    .option('--json', 'print {"sites": [inventory…]} as JSON (the API\'s answer per site)')
    .action(async (opts: { site?: string; pending?: boolean; json?: boolean }) => {
      const inventories = await withStore(io, async (store) => {
        const sites = opts.site ? [await store.sites.findByKey(opts.site)] : await store.sites.list();
        const out: InventoryResponse[] = [];
        for (const site of sites) {
          if (!site) throw new VeilError('unknown_site', `no site has the key ${opts.site}`);
          out.push(await inventoryListing(store, site, opts.pending ? { status: 'pending' } : {}));
        }
        return out;
      });
      if (opts.json) io.out(JSON.stringify({ sites: inventories }));
      else for (const inv of inventories) print(io, inv);
    });
}
