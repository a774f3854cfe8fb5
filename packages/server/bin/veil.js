#!/usr/bin/env node
// The `veil` command: a thin shim over the compiled CLI in ../dist.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write(
    'veil: the server is not built yet. Run `npm run build` at the repository root, then try again.\n',
  );
  process.exit(1);
}
const { runCli } = await import(main.href);
const code = await runCli(process.argv.slice(2));
if (code !== 0) process.exitCode = code;
