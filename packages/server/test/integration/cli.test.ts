import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/commands/shared.js';
import { runCli } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config/config.js';
import { createApp, type VeilApp } from '../../src/createApp.js';
import { makeTempDir } from '../support/tempDir.js';
import { FAST_HASHING } from '../support/testApp.js';

describe('veil CLI', () => {
  const temp = makeTempDir();
  const env = {
    VEIL_DATA_DIR: path.join(temp.dir, 'data'),
    VEIL_DEMO: 'false',
    VEIL_ADMIN_PASSWORD: 'bootstrap-password',
  };

  async function veil(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { out: (s) => out.push(s), err: (s) => err.push(s), env, cwd: temp.dir };
    const code = await runCli(argv, io);
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  let app: VeilApp;
  beforeAll(async () => {
    app = await createApp(
      { ...loadConfig(env, temp.dir), passwordHashing: FAST_HASHING },
      { logStream: { write: () => {} }, print: () => {} },
    );
  });
  afterAll(async () => {
    await app.close();
    temp.remove();
  });

  it('prints help for every command', async () => {
    for (const argv of [
      ['--help'],
      ['start', '--help'],
      ['sites', 'add', '--help'],
      ['users', 'add', '--help'],
      ['tokens', 'create', '--help'],
      ['scan', '--help'],
      ['demo', '--help'],
    ]) {
      const res = await veil(...argv);
      expect(res.code, argv.join(' ')).toBe(0);
      expect(res.out).toContain('Usage: veil');
    }
  });

  it('adds a site and prints it as JSON with its siteKey', async () => {
    const res = await veil(
      'sites',
      'add',
      '--name',
      'Shop',
      '--origin',
      'https://shop.example',
      '--origin',
      'http://localhost:3000/',
      '--sampling',
      '35',
      '--json',
    );
    expect(res.code, res.err).toBe(0);
    const site = JSON.parse(res.out);
    expect(site).toEqual({
      siteKey: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      name: 'Shop',
      origins: ['http://localhost:3000', 'https://shop.example'],
      lawfulBasis: 'consent',
      samplingPercent: 35,
      createdAt: expect.any(Number),
    });
    expect(await app.veil.store.sites.findByKey(site.siteKey)).toBeDefined();
  });

  it('refuses bad arguments with a message and a non-zero code', async () => {
    expect((await veil('sites', 'add', '--name', 'X', '--origin', 'not a url')).code).toBe(1);
    const sampling = await veil(
      'sites',
      'add',
      '--name',
      'X',
      '--origin',
      'https://x.example',
      '--sampling',
      '150',
    );
    expect(sampling.code).not.toBe(0);
    expect(sampling.err).toContain('0 to 100');
    const basis = await veil(
      'sites',
      'add',
      '--name',
      'X',
      '--origin',
      'https://x.example',
      '--lawful-basis',
      'contract',
    );
    expect(basis.code).not.toBe(0);
    expect((await veil('users', 'add', '--email', 'a@b.example', '--role', 'superuser')).code).not.toBe(0);
    expect((await veil('sites', 'add')).code).not.toBe(0);
  });

  it('adds users with a given or generated password', async () => {
    const given = await veil(
      'users',
      'add',
      '--email',
      'Analyst@Example.com',
      '--role',
      'analyst',
      '--password',
      'analyst-password',
      '--json',
    );
    expect(given.code, given.err).toBe(0);
    expect(JSON.parse(given.out)).toEqual({
      id: expect.any(String),
      email: 'analyst@example.com',
      role: 'analyst',
    });
    const login = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'analyst@example.com', password: 'analyst-password' },
    });
    expect(login.statusCode).toBe(200);

    const generated = await veil(
      'users',
      'add',
      '--email',
      'viewer@example.com',
      '--role',
      'replay_viewer',
      '--json',
    );
    const { password } = JSON.parse(generated.out);
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const login2 = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'viewer@example.com', password },
    });
    expect(login2.json().user.role).toBe('replay_viewer');

    const dup = await veil('users', 'add', '--email', 'viewer@example.com', '--role', 'analyst');
    expect(dup.code).toBe(1);
    expect(dup.err).toContain('exists');
  });

  it('creates an API token that the API accepts', async () => {
    const res = await veil('tokens', 'create', '--role', 'admin', '--name', 'ci', '--json');
    expect(res.code, res.err).toBe(0);
    const { token } = JSON.parse(res.out);
    expect(token).toMatch(/^veil_[A-Za-z0-9_-]{43}$/);
    const me = await app.inject({ url: '/api/v1/auth/me', headers: { authorization: `Bearer ${token}` } });
    expect(me.json()).toMatchObject({ token: { name: 'ci', role: 'admin' } });
    const plain = await veil('tokens', 'create', '--role', 'auditor');
    expect(plain.out).toMatch(/veil_[A-Za-z0-9_-]{43}/);
  });

  it('reports a bad environment clearly', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['tokens', 'create', '--role', 'admin'], {
      out: (s) => out.push(s),
      err: (s) => err.push(s),
      env: { ...env, VEIL_DATABASE_URL: 'mysql://nope' },
      cwd: temp.dir,
    });
    expect(code).toBe(1);
    expect(err.join('\n')).toContain('VEIL_DATABASE_URL');
  });
});
