#!/usr/bin/env node
// Verifies a Veil audit export (JSONL) without Veil: Node 18 or later, no dependencies.
//
//   node verify-audit-export.mjs EXPORT.jsonl --public-key BASE64 [--public-key BASE64 …]
//
// BASE64 is the instance's Ed25519 public key (32 raw bytes), obtained out of band from
// `npx veil audit key`; never trust the key printed inside the export itself. Exit status 0 only
// when every entry, link and checkpoint verifies. The format is described in docs/audit.md.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';

const GENESIS = '0'.repeat(64);
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** RFC 8785 (JCS): sorted members, no whitespace, ECMAScript number and string forms. */
function jcs(value) {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(jcs).join(',')}]`;
  const keys = Object.keys(value)
    .filter((k) => value[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${jcs(value[k])}`).join(',')}}`;
}

const sha256 = (text) => createHash('sha256').update(text, 'utf8').digest('hex');
const keyId = (raw) => createHash('sha256').update(raw).digest('hex').slice(0, 16);

function bodyHash(e) {
  const { at, actor, action, siteKey, target, details } = e;
  return sha256(
    jcs({
      at,
      actor: { type: actor.type, id: actor.id, label: actor.label },
      action,
      siteKey,
      target: target ? { type: target.type, id: target.id } : null,
      details,
    }),
  );
}

const linkHash = (seq, prevHash, bh) => sha256(jcs({ v: 1, seq, prevHash, bodyHash: bh }));

function main(argv) {
  const file = argv.find((a, i) => !a.startsWith('--') && argv[i - 1] !== '--public-key');
  const keys = new Map();
  argv.forEach((a, i) => {
    if (a !== '--public-key') return;
    const raw = Buffer.from(argv[i + 1] ?? '', 'base64');
    if (raw.length !== 32) fail(`--public-key ${argv[i + 1]}: not the base64 of 32 bytes`);
    keys.set(
      keyId(raw),
      createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' }),
    );
  });
  if (!file || keys.size === 0) fail('usage: node verify-audit-export.mjs EXPORT.jsonl --public-key BASE64');

  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const records = lines.map((l, i) => {
    try {
      return JSON.parse(l);
    } catch {
      return fail(`line ${i + 1} is not JSON`);
    }
  });
  const header = records[0];
  const trailer = records.at(-1);
  if (header?.type !== 'veil.audit.export' || header.v !== 1)
    fail('line 1 is not a Veil audit export header');
  if (trailer?.type !== 'end') fail('the export has no end line: it was cut short');
  const items = records.filter((r) => r.type === 'entry' || r.type === 'link');
  const checkpoints = new Map();
  for (const cp of records.filter((r) => r.type === 'checkpoint')) {
    const key = keys.get(cp.keyId);
    const payload = jcs({
      type: 'veil.audit.checkpoint',
      v: 1,
      seq: cp.seq,
      hash: cp.hash,
      at: cp.at,
      keyId: cp.keyId,
    });
    if (!key || !verify(null, Buffer.from(payload, 'utf8'), key, Buffer.from(String(cp.signature), 'base64')))
      fail(`the checkpoint at seq ${cp.seq} has no valid signature of the given key`);
    checkpoints.set(cp.seq, cp);
  }
  if (trailer.entries + trailer.links !== items.length || trailer.checkpoints !== checkpoints.size)
    fail('the end line does not count what the export holds: lines were added or removed');
  if (items.length === 0) return ok('the export holds no entries');

  let prevSeq = items[0].seq - 1;
  let prevHash = GENESIS;
  if (prevSeq > 0) {
    const anchor = checkpoints.get(prevSeq);
    if (!anchor) fail(`the export starts at seq ${items[0].seq} but no checkpoint anchors seq ${prevSeq}`);
    prevHash = anchor.hash;
  }
  const every = header.checkpointEvery;
  for (const item of items) {
    const seq = item.seq;
    if (seq !== prevSeq + 1)
      fail(seq > prevSeq + 1 ? `entry ${prevSeq + 1} is missing` : `entry ${seq} is out of order`);
    if (item.prevHash !== prevHash)
      fail(
        `entry ${seq} does not link to entry ${prevSeq} (reordered, inserted, or entry ${prevSeq} modified)`,
      );
    const bh = item.type === 'entry' ? bodyHash(item) : item.bodyHash;
    if (linkHash(seq, item.prevHash, bh) !== item.hash)
      fail(`entry ${seq} was modified: it does not match its hash`);
    const cp = checkpoints.get(seq);
    if (cp && cp.hash !== item.hash)
      fail(`entries up to ${seq} were rewritten: the signed checkpoint at ${seq} disagrees`);
    if (!cp && every && seq % every === 0) fail(`the checkpoint of entry ${seq} is missing`);
    prevSeq = seq;
    prevHash = item.hash;
  }
  for (const seq of checkpoints.keys())
    if (seq > prevSeq) fail(`entries after ${prevSeq} are missing: a checkpoint covers ${seq}`);
  const full = items.filter((i) => i.type === 'entry').length;
  ok(
    `${full} entries and ${items.length - full} links verified, seq ${items[0].seq}–${prevSeq}, ${checkpoints.size} signed checkpoints`,
  );
}

function ok(message) {
  process.stdout.write(`OK: ${message}\n`);
  process.exit(0);
}

function fail(message) {
  process.stderr.write(`FAILED: ${message}\n`);
  process.exit(1);
}

main(process.argv.slice(2));
