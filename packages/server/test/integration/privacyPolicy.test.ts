import path from 'node:path';
import { PRIVACY_PRESETS, type PrivacyPolicy } from '@veil/core';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/commands/shared.js';
import { runCli } from '../../src/cli/main.js';
import { parseProposedPolicy } from '../../src/privacy/PolicyService.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

// Versioned policies through the API and the CLI: history, diffs, reasons, audit events,
// optimistic concurrency, the site configuration the browser gets (ETag), append-only storage.

let t: TestApp;
let owner: string;
let analyst: string;
const json = (body: string) => JSON.parse(body) as Record<string, unknown>;

beforeAll(async () => {
  t = await startTestApp();
  owner = await t.token('owner');
  analyst = await t.token('analyst');
});
afterAll(() => t?.close());

function api(method: 'GET' | 'POST' | 'PUT', url: string, token: string, payload?: unknown) {
  return t.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/json' } : {}) },
    payload: payload ? JSON.stringify(payload) : undefined,
  });
}

const base = () => `/api/v1/sites/${t.site.siteKey}`;

describe('policy versions through the API', () => {
  it('starts at version 1: the initial policy, by the system', async () => {
    const res = await api('GET', `${base()}/policy`, owner);
    expect(res.statusCode).toBe(200);
    const body = json(res.body) as {
      policy: PrivacyPolicy;
      version: { version: number; author: { type: string }; reason: string };
      preset: { preset: string; text: string };
    };
    expect(body.version).toMatchObject({ version: 1, author: { type: 'system' }, reason: 'initial policy' });
    expect(body.policy.samplingPercent).toBe(100);
    expect(body.preset).toMatchObject({ preset: 'strict' });
    expect(body.preset.text).toBe('~ samplingPercent: 20 → 100');
  });

  it('previews a change (validated, diffed) without saving it', async () => {
    const current = (json((await api('GET', `${base()}/policy`, owner)).body) as { policy: PrivacyPolicy })
      .policy;
    const proposed = { ...current, retentionDays: 14, blockSelectors: ['#chat'] };
    const res = await api('POST', `${base()}/policy/preview`, owner, { policy: proposed });
    expect(res.statusCode).toBe(200);
    expect(json(res.body)).toMatchObject({
      baseVersion: 1,
      diffText: '+ blockSelectors: "#chat"\n~ retentionDays: 30 → 14',
    });
    const unsafe = await api('POST', `${base()}/policy/preview`, owner, {
      policy: { ...current, customPatterns: [{ label: 'bad', pattern: '(a+)+$' }] },
    });
    expect(unsafe.statusCode).toBe(400);
    expect(json(unsafe.body)).toMatchObject({ error: { code: 'validation_failed' } });
    expect(unsafe.body).toContain('nested repetition');
    const tooLong = await api('POST', `${base()}/policy/preview`, owner, {
      policy: { ...current, retentionDays: 120 },
    });
    expect(tooLong.statusCode).toBe(400);
    expect(
      (json((await api('GET', `${base()}/policy`, owner)).body) as { version: { version: number } }).version
        .version,
    ).toBe(1);
  });

  it('publishes a new version with author, reason and diff; refuses without a reason or a change', async () => {
    const current = (json((await api('GET', `${base()}/policy`, owner)).body) as { policy: PrivacyPolicy })
      .policy;
    const proposed = {
      ...current,
      retentionDays: 14,
      canaries: [{ label: 'intake', value: 'CANARY-zq81-Testperson' }],
    };
    expect((await api('PUT', `${base()}/policy`, owner, { policy: proposed })).statusCode).toBe(400);
    expect((await api('PUT', `${base()}/policy`, owner, { policy: proposed, reason: ' ' })).statusCode).toBe(
      400,
    );
    expect(
      (await api('PUT', `${base()}/policy`, analyst, { policy: proposed, reason: 'shorter' })).statusCode,
    ).toBe(403);
    const res = await api('PUT', `${base()}/policy`, owner, {
      policy: proposed,
      reason: 'DPO review: shorter retention',
      baseVersion: 1,
    });
    expect(res.statusCode).toBe(200);
    expect(json(res.body)).toMatchObject({
      version: {
        version: 2,
        author: { type: 'token', label: 'test owner' },
        reason: 'DPO review: shorter retention',
      },
    });
    const same = await api('PUT', `${base()}/policy`, owner, { policy: proposed, reason: 'again' });
    expect(same.statusCode).toBe(400);
    const stale = await api('PUT', `${base()}/policy`, owner, {
      policy: { ...proposed, retentionDays: 7 },
      reason: 'stale',
      baseVersion: 1,
    });
    expect(stale.statusCode).toBe(409);
  });

  it('lists the history newest first and serves each version as it was', async () => {
    const res = await api('GET', `${base()}/policy/versions`, owner);
    const { versions } = json(res.body) as {
      versions: Array<{ version: number; diffText: string; createdAt: number }>;
    };
    expect(versions.map((v) => v.version)).toEqual([2, 1]);
    expect(versions[0]!.diffText).toContain('~ retentionDays: 30 → 14');
    const v1 = json((await api('GET', `${base()}/policy/versions/1`, owner)).body) as {
      policy: PrivacyPolicy;
    };
    expect(v1.policy.retentionDays).toBe(30);
    expect((await api('GET', `${base()}/policy/versions/9`, owner)).statusCode).toBe(404);
  });

  it('records every change as an audit event in the tamper-evident log', async () => {
    const entries = await t.app.veil.store.audit.query({
      actions: ['policy.changed'],
      siteKey: t.site.siteKey,
      order: 'asc',
      limit: 10,
    } as Parameters<typeof t.app.veil.store.audit.query>[0]);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actor: { type: 'token', label: 'test owner' },
      target: { type: 'policy_version', id: '2' },
      details: { version: 2, reason: 'DPO review: shorter retention' },
    });
    expect(JSON.stringify(entries[0]!.details)).toContain('retentionDays');
    expect((await t.app.veil.audit.verify()).ok).toBe(true);
  });

  it('serves the new version to browsers at once, with a new ETag; server-only fields stay on the server', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/r/v1/sites/${t.site.siteKey}/config` });
    expect(res.statusCode).toBe(200);
    const config = json(res.body) as { policy: PrivacyPolicy };
    expect(config.policy.retentionDays).toBe(14);
    expect(config.policy.canaries).toEqual([]);
    expect(res.body).not.toContain('CANARY-zq81');
    const etag = res.headers.etag as string;
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: `/r/v1/sites/${t.site.siteKey}/config`,
          headers: { 'if-none-match': etag },
        })
      ).statusCode,
    ).toBe(304);
    const current = (json((await api('GET', `${base()}/policy`, owner)).body) as { policy: PrivacyPolicy })
      .policy;
    await api('PUT', `${base()}/policy`, owner, {
      policy: {
        ...current,
        customPatterns: [{ label: 'student_id', pattern: 'S-\\d+' }],
        ipBlockList: ['10.0.0.0/8'],
      },
      reason: 'student ids on the portal',
    });
    const after = await t.app.inject({
      method: 'GET',
      url: `/r/v1/sites/${t.site.siteKey}/config`,
      headers: { 'if-none-match': etag },
    });
    expect(after.statusCode).toBe(200);
    const served = json(after.body) as { policy: PrivacyPolicy };
    // Patterns arrive bounded (the recorder carries no checker); block lists never leave the server.
    expect(served.policy.customPatterns).toEqual([{ label: 'student_id', pattern: 'S-\\d{1,64}' }]);
    expect(served.policy.ipBlockList).toEqual([]);
  });

  it('keeps versions append-only in the database itself', () => {
    const db = new Database(path.join(t.config.dataDir, 'veil.sqlite'));
    try {
      expect(() =>
        db.prepare('update policy_versions set reason = ? where version = 1').run('rewritten'),
      ).toThrow(/append-only/);
      expect(() => db.prepare('delete from policy_versions').run()).toThrow(/append-only/);
    } finally {
      db.close();
    }
  });
});

describe('policy as code: veil policy pull | push', () => {
  async function veil(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = {
      out: (s) => out.push(s),
      err: (s) => err.push(s),
      env: { VEIL_DATA_DIR: t.config.dataDir, VEIL_DEMO: 'false' },
      cwd: t.dir,
    };
    const code = await runCli(argv, io);
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('pulls YAML and JSON, dry-runs a diff, pushes with a reason as a new version', async () => {
    const { writeFileSync, readFileSync } = await import('node:fs');
    const yamlFile = path.join(t.dir, 'policy.yaml');
    const pulled = await veil('policy', 'pull', '--site', t.site.siteKey, 'policy.yaml');
    expect(pulled.code, pulled.err).toBe(0);
    const text = readFileSync(yamlFile, 'utf8');
    expect(text).toMatch(/^# Veil privacy policy of site/);
    expect(text).toContain('retentionDays: 14');
    writeFileSync(
      yamlFile,
      text
        .replace('retentionDays: 14', 'retentionDays: 7')
        .replace('maskAllText: false', 'maskAllText: true'),
    );

    const dry = await veil('policy', 'push', '--site', t.site.siteKey, 'policy.yaml', '--dry-run');
    expect(dry.code, dry.err).toBe(0);
    expect(dry.out).toContain('~ maskAllText: false → true');
    expect(dry.out).toContain('~ retentionDays: 14 → 7');
    const before = (
      json((await api('GET', `${base()}/policy`, owner)).body) as { version: { version: number } }
    ).version.version;

    expect((await veil('policy', 'push', '--site', t.site.siteKey, 'policy.yaml')).code).not.toBe(0); // no reason
    const pushed = await veil(
      'policy',
      'push',
      '--site',
      t.site.siteKey,
      'policy.yaml',
      '--reason',
      'FERPA review',
      '--json',
    );
    expect(pushed.code, pushed.err).toBe(0);
    expect(json(pushed.out)).toMatchObject({ version: before + 1 });
    const now = json((await api('GET', `${base()}/policy`, owner)).body) as {
      policy: PrivacyPolicy;
      version: { author: { type: string }; reason: string };
    };
    expect(now.policy.retentionDays).toBe(7);
    expect(now.version).toMatchObject({ author: { type: 'cli' }, reason: 'FERPA review' });

    const again = await veil('policy', 'push', '--site', t.site.siteKey, 'policy.yaml', '--reason', 'no-op');
    expect(again.code).toBe(0);
    expect(again.out).toContain('No changes');

    const jsonPull = await veil('policy', 'pull', '--site', t.site.siteKey, 'policy.json');
    expect(jsonPull.code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(t.dir, 'policy.json'), 'utf8'))).toMatchObject({
      retentionDays: 7,
    });

    writeFileSync(path.join(t.dir, 'bad.json'), JSON.stringify({ ...now.policy, retentionDays: 365 }));
    const bad = await veil('policy', 'push', '--site', t.site.siteKey, 'bad.json', '--dry-run');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('retentionDays');
  });

  it('starts from a preset: the dashboard shows the difference to it', async () => {
    const current = (json((await api('GET', `${base()}/policy`, owner)).body) as { policy: PrivacyPolicy })
      .policy;
    const ferpa = { ...PRIVACY_PRESETS.ferpa, samplingPercent: 50 };
    const res = await api('PUT', `${base()}/policy`, owner, {
      policy: ferpa,
      reason: 'start from the FERPA preset',
    });
    expect(res.statusCode).toBe(200);
    const now = json((await api('GET', `${base()}/policy`, owner)).body) as {
      preset: { preset: string; text: string };
    };
    expect(now.preset).toEqual({
      preset: 'ferpa',
      changes: expect.any(Array),
      text: '~ samplingPercent: 20 → 50',
    });
    expect(current.preset).toBe('strict');
  });
});

describe('selectors and IP rules are validated when a policy is written', () => {
  const current = async () =>
    json((await api('GET', `${base()}/policy`, owner)).body) as {
      policy: PrivacyPolicy;
      version: { version: number };
    };

  // One bad selector joined with the others made the browser's match throw, and rrweb took that
  // as "not blocked": every field holding selectors refuses it, naming the selector.
  const badSelectors: [keyof PrivacyPolicy, string][] = [
    ['blockSelectors', '#chat['],
    ['maskTextSelectors', '.student:nth-child('],
    ['unmaskSelectors', 'input[name="q"'],
    ['allowIframes', 'iframe:hovr'],
  ];

  it.each(badSelectors)(
    'refuses an invalid %s entry with 400 invalid_selector naming it (preview and PUT)',
    async (field, selector) => {
      const { policy, version } = await current();
      const proposed = { ...policy, [field]: ['.fine', selector] };
      for (const res of [
        await api('POST', `${base()}/policy/preview`, owner, { policy: proposed }),
        await api('PUT', `${base()}/policy`, owner, { policy: proposed, reason: 'add a selector' }),
      ]) {
        expect(res.statusCode).toBe(400);
        const error = (json(res.body) as { error: { code: string; message: string } }).error;
        expect(error.code).toBe('invalid_selector');
        expect(error.message).toContain(JSON.stringify(selector));
        expect(error.message).toContain(field);
      }
      expect((await current()).version.version).toBe(version.version);
    },
  );

  it('refuses an IP block-list rule that is not an address, wildcard or CIDR range with 400 invalid_ip_rule', async () => {
    const { policy, version } = await current();
    for (const rule of ['10.0.0.0/33', '203.0.113', '2001:db8::/129', '10.0.0.0/', '999.*.*.*', 'office']) {
      const res = await api('PUT', `${base()}/policy`, owner, {
        policy: { ...policy, ipBlockList: ['192.0.2.0/24', rule] },
        reason: 'block the office',
      });
      expect(res.statusCode, rule).toBe(400);
      const error = (json(res.body) as { error: { code: string; message: string } }).error;
      expect(error.code).toBe('invalid_ip_rule');
      expect(error.message).toContain(JSON.stringify(rule));
    }
    expect((await current()).version.version).toBe(version.version);
    const good = await api('PUT', `${base()}/policy`, owner, {
      policy: { ...policy, ipBlockList: ['192.0.2.0/24', '2001:db8::/32', '203.0.113.*', '198.51.100.7'] },
      reason: 'block the office ranges',
    });
    expect(good.statusCode, good.body).toBe(200);
  });

  it('accepts every preset as it ships', () => {
    for (const preset of Object.values(PRIVACY_PRESETS))
      expect(() => parseProposedPolicy(preset)).not.toThrow();
  });

  it('veil policy push refuses the file naming the bad selector or rule, dry run or not', async () => {
    const { writeFileSync } = await import('node:fs');
    const { policy, version } = await current();
    const run = async (file: string, ...extra: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(['policy', 'push', '--site', t.site.siteKey, file, ...extra], {
        out: (s) => out.push(s),
        err: (s) => err.push(s),
        env: { VEIL_DATA_DIR: t.config.dataDir, VEIL_DEMO: 'false' },
        cwd: t.dir,
      });
      return { code, err: err.join('\n') };
    };
    writeFileSync(
      path.join(t.dir, 'selector.json'),
      JSON.stringify({ ...policy, blockSelectors: ['div >> p'] }),
    );
    writeFileSync(path.join(t.dir, 'ip.json'), JSON.stringify({ ...policy, ipBlockList: ['10.0.0.0/40'] }));
    for (const extra of [['--dry-run'], ['--reason', 'tighten']]) {
      const selector = await run('selector.json', ...extra);
      expect(selector.code).toBe(1);
      expect(selector.err).toContain('"div >> p"');
      expect(selector.err).toContain('not a valid CSS selector');
      const ip = await run('ip.json', ...extra);
      expect(ip.code).toBe(1);
      expect(ip.err).toContain('"10.0.0.0/40"');
    }
    expect((await current()).version.version).toBe(version.version);
  });
});
