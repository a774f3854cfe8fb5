#!/usr/bin/env node
/**
 * `npm test`'s runner after build and lint. On a two-core machine Vitest runs one test file at a
 * time (its default is one worker per core but one), and the Chromium e2e project runs its files
 * one at a time anyway: the whole suite was strictly sequential, unit and integration (about
 * three minutes) before e2e (about fifteen). This runs the e2e project beside the unit and
 * integration projects, in two Vitest processes, each line of output prefixed with its side, and
 * fails when either fails. With arguments (`npm test -- path/to/file.test.ts`, `--project unit`)
 * it is one plain `vitest run` with them.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
const root = fileURLToPath(new URL('..', import.meta.url));
const extra = process.argv.slice(2);

/** Runs `vitest run ARGS`; resolves with its exit code. Output lines carry `prefix` when given. */
function run(args, prefix) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [vitest, 'run', ...args], {
      cwd: root,
      stdio: prefix ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    });
    if (prefix) {
      for (const [stream, out] of [
        [child.stdout, process.stdout],
        [child.stderr, process.stderr],
      ]) {
        createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) =>
          out.write(`${prefix} ${line}\n`),
        );
      }
    }
    child.on('error', (error) => {
      process.stderr.write(`${prefix ?? ''} could not start vitest: ${error.message}\n`);
      resolve(1);
    });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const codes =
  extra.length > 0
    ? [await run(extra)]
    : await Promise.all([
        run(['--project', 'unit', '--project', 'integration'], '[unit+integration]'),
        run(['--project', 'e2e'], '[e2e]'),
      ]);
const failed = codes.find((code) => code !== 0);
if (extra.length === 0) {
  process.stdout.write(
    `unit+integration: ${codes[0] === 0 ? 'passed' : `failed (${codes[0]})`}; e2e: ${codes[1] === 0 ? 'passed' : `failed (${codes[1]})`}\n`,
  );
}
process.exit(failed ?? 0);
