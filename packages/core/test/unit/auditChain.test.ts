import { createHash, generateKeyPairSync, sign, verify } from 'node:crypto';
import {
  AUDIT_ACTIONS,
  AUDIT_GENESIS_HASH,
  type AuditBody,
  type AuditChainItem,
  type AuditCheckpoint,
  type AuditEntry,
  auditCheckpointPayload,
  auditLinkHash,
  auditLinkOf,
  isAuditAction,
  MAX_AUDIT_DETAILS_BYTES,
  sealAuditEntry,
  sha256Hex,
  verifyAuditChain,
  verifyAuditChainAsync,
} from '@veil/core';
import { describe, expect, it } from 'vitest';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const T0 = 1_700_000_000_000;

function body(i: number): AuditBody {
  return {
    at: T0 + i * 1000,
    actor: { type: 'user', id: `u${i % 3}`, label: `user${i % 3}@example.test` },
    action: i % 2 ? 'replay.viewed' : 'auth.login_succeeded',
    siteKey: i % 2 ? 'site_demo' : null,
    target: i % 2 ? { type: 'session', id: `s${i}` } : null,
    details: i % 2 ? { purpose: `ticket ${i}`, ticket: `T-${i}` } : { method: 'password' },
  };
}

function chain(n: number): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (let i = 1; i <= n; i++) entries.push(sealAuditEntry(entries.at(-1), body(i), sha256));
  return entries;
}

/** Recomputes the hash of `entry` in place, as an attacker with database access can. */
function rehash(entry: AuditEntry): AuditEntry {
  const { hash: _h, seq, prevHash, ...rest } = entry;
  const sealed = sealAuditEntry({ seq: seq - 1, hash: prevHash }, rest, sha256);
  return sealed;
}

/** Rehashes every entry from `from` (index) on so the chain is consistent again. */
function rehashFrom(entries: AuditEntry[], from: number): AuditEntry[] {
  const out = entries.slice(0, from);
  for (const e of entries.slice(from)) {
    const { hash: _h, seq: _s, prevHash: _p, ...rest } = e;
    out.push(sealAuditEntry(out.at(-1), rest, sha256));
  }
  return out;
}

const keys = generateKeyPairSync('ed25519');
const rawPublic = keys.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
const keyId = sha256Hex(rawPublic.toString('latin1')).slice(0, 16); // any stable id works here

function checkpoint(entry: Pick<AuditEntry, 'seq' | 'hash'>, privateKey = keys.privateKey): AuditCheckpoint {
  const unsigned = { seq: entry.seq, hash: entry.hash, at: T0 + 10_000_000, keyId };
  return {
    ...unsigned,
    signature: sign(null, Buffer.from(auditCheckpointPayload(unsigned)), privateKey).toString('base64'),
  };
}

const checkSignature = (cp: AuditCheckpoint, payload: string) =>
  cp.keyId === keyId &&
  verify(null, Buffer.from(payload), keys.publicKey, Buffer.from(cp.signature, 'base64'));

const verifyOpts = (checkpoints: AuditCheckpoint[] = []) => ({ sha256, checkpoints, checkSignature });

describe('sealing', () => {
  it('links entries from the genesis hash, seq from 1', () => {
    const entries = chain(3);
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(entries[0]!.prevHash).toBe(AUDIT_GENESIS_HASH);
    expect(entries[1]!.prevHash).toBe(entries[0]!.hash);
    expect(entries[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('pins the hashing scheme (a change here breaks every stored chain)', () => {
    // Computed independently with Python: sha256(json.dumps(x, sort_keys=True, separators=(',', ':')))
    // over the body, then over {"bodyHash","prevHash","seq","v"}.
    const entry = sealAuditEntry(undefined, body(1), sha256);
    expect(sealAuditEntry(undefined, body(1), sha256Hex).hash).toBe(entry.hash);
    expect(entry.hash).toBe('ca90f46e152df4ce9a60cd817345cac45faade22428c972cb8881907efa6c272');
  });

  it('stores exactly what it hashed, and nothing extra', () => {
    const extra = { ...body(2), extra: 'not hashed', actor: { ...body(2).actor, sneaky: 1 } } as AuditBody;
    const entry = sealAuditEntry(undefined, extra, sha256);
    expect(entry).not.toHaveProperty('extra');
    expect(entry.actor).not.toHaveProperty('sneaky');
    expect(verifyAuditChain([JSON.parse(JSON.stringify(entry))], verifyOpts()).ok).toBe(true);
  });

  it('refuses bodies JSON cannot carry or that are too large', () => {
    expect(() => sealAuditEntry(undefined, { ...body(1), details: { x: Number.NaN } }, sha256)).toThrow(
      /refused/,
    );
    expect(() => sealAuditEntry(undefined, { ...body(1), at: 1.5 }, sha256)).toThrow(/at must be/);
    const big = { blob: 'x'.repeat(MAX_AUDIT_DETAILS_BYTES) };
    expect(() => sealAuditEntry(undefined, { ...body(1), details: big }, sha256)).toThrow(/over the limit/);
  });

  it('knows its actions', () => {
    expect(isAuditAction('replay.viewed')).toBe(true);
    expect(isAuditAction('toString')).toBe(false);
    for (const name of Object.keys(AUDIT_ACTIONS)) expect(name).toMatch(/^[a-z]+\.[a-z_]+$/);
  });
});

describe('verifyAuditChain', () => {
  it('passes an untouched chain, and an empty one', () => {
    const entries = chain(20);
    const report = verifyAuditChain(entries, verifyOpts([checkpoint(entries[9]!), checkpoint(entries[19]!)]));
    expect(report).toEqual({
      ok: true,
      firstSeq: 1,
      headSeq: 20,
      headHash: entries[19]!.hash,
      entries: 20,
      links: 0,
      checkpoints: 2,
      lastCheckpointSeq: 20,
      uncheckpointed: 0,
    });
    expect(verifyAuditChain([], verifyOpts())).toMatchObject({ ok: true, headSeq: 0, uncheckpointed: 0 });
  });

  it('names an entry whose content was edited', () => {
    const entries = chain(20);
    entries[4] = { ...entries[4]!, details: { purpose: 'innocent' } };
    expect(verifyAuditChain(entries, verifyOpts()).ok).toBe(false);
    expect(problemOf(entries)).toMatchObject({ kind: 'modified', seq: 5 });
  });

  it('names an entry that was edited and re-hashed', () => {
    const entries = chain(20);
    entries[4] = rehash({ ...entries[4]!, actor: { type: 'user', id: 'u9', label: 'someone@else' } });
    expect(problemOf(entries)).toMatchObject({ kind: 'modified', seq: 5 });
  });

  it('names the first entry of a tail re-hashed after an edit, by the checkpoints', () => {
    const entries = chain(20);
    const cps = [checkpoint(entries[2]!), checkpoint(entries[9]!)];
    entries[4] = { ...entries[4]!, details: { purpose: 'innocent' } };
    const forged = rehashFrom(entries, 4);
    expect(verifyAuditChain(forged, verifyOpts()).ok).toBe(true); // the chain alone cannot tell
    expect(problemOf(forged, cps)).toMatchObject({ kind: 'rewritten', seq: 4 });
  });

  it('names an entry that was deleted (a gap)', () => {
    const entries = chain(20);
    entries.splice(4, 1);
    expect(problemOf(entries)).toMatchObject({ kind: 'deleted', seq: 5 });
    const more = chain(20);
    more.splice(4, 3);
    expect(problemOf(more)).toMatchObject({
      kind: 'deleted',
      seq: 5,
      message: expect.stringContaining('5–7'),
    });
  });

  it('names an entry that was deleted when the later ones were renumbered', () => {
    const entries = chain(20);
    entries.splice(4, 1);
    const renumbered = entries.map((e, i) => ({ ...e, seq: i + 1 }));
    expect(problemOf(renumbered)).toMatchObject({ kind: 'deleted', seq: 5 });
  });

  it('names the first entry as deleted', () => {
    const entries = chain(5).slice(1);
    expect(problemOf(entries)).toMatchObject({ kind: 'deleted', seq: 1 });
  });

  it('names the last entries as deleted when a checkpoint covers them', () => {
    const entries = chain(20);
    const cps = [checkpoint(entries[19]!)];
    expect(problemOf(entries.slice(0, 18), cps)).toMatchObject({ kind: 'truncated', seq: 19 });
    expect(problemOf([], cps)).toMatchObject({ kind: 'truncated', seq: 1 });
  });

  it('names entries whose contents were swapped (seq kept, as in a database)', () => {
    const entries = chain(20);
    const a = entries[4]!;
    const b = entries[5]!;
    entries[4] = { ...b, seq: 5 };
    entries[5] = { ...a, seq: 6 };
    expect(problemOf(entries)).toMatchObject({ kind: 'reordered', seq: 5 });
  });

  it('names an entry moved further down the chain', () => {
    const entries = chain(20);
    const moved = [...entries.slice(0, 2), ...entries.slice(3, 8), entries[2]!, ...entries.slice(8)];
    const seqKept = moved.map((e, i) => ({ ...e, seq: i + 1 }));
    expect(problemOf(seqKept)).toMatchObject({ kind: 'reordered', seq: 3 });
  });

  it('names lines swapped in an export file (seq out of order)', () => {
    const entries = chain(20);
    const swapped = [...entries.slice(0, 4), entries[5]!, entries[4]!, ...entries.slice(6)];
    expect(problemOf(swapped)).toMatchObject({ kind: 'reordered', seq: 6 });
  });

  it('names an inserted entry (later entries renumbered, not re-hashed)', () => {
    const entries = chain(20);
    const forged = sealAuditEntry(entries[3], { ...body(99), action: 'auth.logged_out' }, sha256);
    const withForged = [
      ...entries.slice(0, 4),
      forged,
      ...entries.slice(4).map((e) => ({ ...e, seq: e.seq + 1 })),
    ];
    expect(problemOf(withForged)).toMatchObject({ kind: 'inserted', seq: 5 });
  });

  it('names an inserted entry with a made-up hash', () => {
    const entries = chain(20);
    const junk: AuditEntry = {
      ...entries[4]!,
      details: { made: 'up' },
      hash: 'f'.repeat(64),
      prevHash: 'e'.repeat(64),
    };
    const withJunk = [
      ...entries.slice(0, 4),
      junk,
      ...entries.slice(4).map((e) => ({ ...e, seq: e.seq + 1 })),
    ];
    expect(problemOf(withJunk)).toMatchObject({ kind: 'inserted', seq: 5 });
  });

  it('names a duplicated line in an export file', () => {
    const entries = chain(10);
    const dup = [...entries.slice(0, 5), { ...entries[4]!, details: { x: 1 } }, ...entries.slice(5)];
    expect(problemOf(dup)).toMatchObject({ kind: 'inserted', seq: 5 });
  });

  it('refuses a checkpoint signed by another key', () => {
    const entries = chain(5);
    const other = generateKeyPairSync('ed25519');
    expect(problemOf(entries, [checkpoint(entries[2]!, other.privateKey)])).toMatchObject({
      kind: 'bad_checkpoint',
      seq: 3,
    });
    const tampered = { ...checkpoint(entries[2]!), hash: entries[3]!.hash };
    expect(problemOf(entries, [tampered])).toMatchObject({ kind: 'bad_checkpoint', seq: 3 });
  });

  it('reports malformed items', () => {
    const entries: AuditChainItem[] = chain(3);
    entries[1] = { seq: 2, hash: 'nope', prevHash: AUDIT_GENESIS_HASH } as unknown as AuditChainItem;
    expect(problemOf(entries)).toMatchObject({ kind: 'malformed', seq: 2 });
  });

  it('treats a body that no longer encodes as modified', () => {
    const entries = chain(5);
    entries[2] = { ...entries[2]!, details: { when: new Date(0) } as unknown as AuditEntry['details'] };
    expect(problemOf(entries)).toMatchObject({ kind: 'modified', seq: 3 });
  });

  it('streams with a small lookahead', async () => {
    const entries = chain(50);
    entries[30] = { ...entries[30]!, details: {} };
    async function* stream() {
      yield* entries;
    }
    const report = await verifyAuditChainAsync(stream(), { ...verifyOpts(), lookahead: 4 });
    expect(report).toMatchObject({ ok: false, problem: { kind: 'modified', seq: 31 } });
  });
});

describe('filtered exports (links in place of left-out entries)', () => {
  const entries = chain(30);
  const cps = [checkpoint(entries[9]!), checkpoint(entries[19]!), checkpoint(entries[29]!)];
  const wanted = new Set([12, 15, 18]);
  // An export of entries 12, 15, 18: anchored at checkpoint 10, links up to checkpoint 20.
  const exported: AuditChainItem[] = entries
    .slice(10, 20)
    .map((e) => (wanted.has(e.seq) ? e : auditLinkOf(e, sha256)));

  it('verifies from the anchoring checkpoint to the next one', () => {
    expect(verifyAuditChain(exported, verifyOpts(cps.slice(0, 2)))).toMatchObject({
      ok: true,
      firstSeq: 11,
      headSeq: 20,
      entries: 3,
      links: 7,
      checkpoints: 2,
      uncheckpointed: 0,
    });
  });

  it('fails without the anchoring checkpoint', () => {
    expect(problemOf(exported, [cps[1]!])).toMatchObject({ kind: 'deleted', seq: 1 });
  });

  it('catches an edited entry even when the links around it are forged to match', () => {
    const forged = exported.map((x) => ({ ...x }));
    const i = forged.findIndex((x) => x.seq === 15);
    const edited = rehash({ ...(forged[i] as AuditEntry), details: { purpose: 'nothing to see' } });
    forged[i] = edited;
    // The attacker re-links every later item; links' hashes are recomputed from their fields.
    let prevHash = edited.hash;
    for (let j = i + 1; j < forged.length; j++) {
      const link = forged[j]!;
      const bodyHash = 'bodyHash' in link ? link.bodyHash : auditLinkOf(link as AuditEntry, sha256).bodyHash;
      forged[j] = {
        seq: link.seq,
        prevHash,
        bodyHash,
        hash: auditLinkHash(link.seq, prevHash, bodyHash, sha256),
      };
      prevHash = forged[j]!.hash;
    }
    expect(verifyAuditChain(forged, verifyOpts([cps[0]!])).ok).toBe(true); // anchored, but no end checkpoint
    expect(problemOf(forged, cps.slice(0, 2))).toMatchObject({ kind: 'rewritten', seq: 11 });
  });
});

function problemOf(items: AuditChainItem[], checkpoints: AuditCheckpoint[] = []) {
  const report = verifyAuditChain(items, verifyOpts(checkpoints));
  return report.ok ? undefined : report.problem;
}

describe('required checkpoints', () => {
  it('names a deleted checkpoint', () => {
    const entries = chain(25);
    const all = [checkpoint(entries[9]!), checkpoint(entries[19]!)];
    const opts = { ...verifyOpts(all), requiredCheckpointEvery: 10 };
    expect(verifyAuditChain(entries, opts).ok).toBe(true);
    const report = verifyAuditChain(entries, { ...opts, checkpoints: [all[0]!] });
    expect(report).toMatchObject({ ok: false, problem: { kind: 'bad_checkpoint', seq: 20 } });
  });
});
