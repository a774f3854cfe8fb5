import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { autoIngestWorkers, ConfigError, describeConfig, loadConfig } from '../../src/config/config.js';
import { CONFIG_VARIABLES } from '../../src/config/configVariables.js';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({}, '/srv/veil');
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      dataDir: '/srv/veil/.veil-data',
      database: { kind: 'sqlite', file: '/srv/veil/.veil-data/veil.sqlite' },
      masterKey: undefined,
      admin: { email: 'admin@localhost', password: undefined },
      logLevel: 'info',
      demo: true,
      secureCookies: 'auto',
      trustProxy: false,
      passwordHashing: { memoryCost: 19456, timeCost: 2, parallelism: 1 },
    });
    expect(config.dashboardDir.endsWith(path.join('packages', 'dashboard', 'dist'))).toBe(true);
    expect(config.recorderDir.endsWith(path.join('packages', 'recorder', 'dist'))).toBe(true);
    expect(config.demoDir.endsWith(path.join('examples', 'demo-site', 'public'))).toBe(true);
  });

  it('reads every variable', () => {
    const key = Buffer.alloc(32, 9).toString('base64');
    const config = loadConfig(
      {
        PORT: '9000',
        HOST: '0.0.0.0',
        VEIL_DATA_DIR: 'data',
        VEIL_DATABASE_URL: 'postgres://u:p@db:5432/veil',
        VEIL_MASTER_KEY: key,
        VEIL_ADMIN_EMAIL: ' Boss@Example.com ',
        VEIL_ADMIN_PASSWORD: 'long enough',
        VEIL_LOG_LEVEL: 'warn',
        VEIL_DEMO: 'off',
        VEIL_SECURE_COOKIES: 'true',
        VEIL_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1',
        VEIL_DASHBOARD_DIR: 'dash',
        VEIL_RECORDER_DIR: '/abs/rec',
        VEIL_DEMO_DIR: 'demo',
      },
      '/w',
    );
    expect(config).toMatchObject({
      port: 9000,
      host: '0.0.0.0',
      dataDir: '/w/data',
      database: { kind: 'postgres', url: 'postgres://u:p@db:5432/veil' },
      admin: { email: 'boss@example.com', password: 'long enough' },
      logLevel: 'warn',
      demo: false,
      secureCookies: 'always',
      trustProxy: ['10.0.0.0/8', '127.0.0.1'],
      dashboardDir: '/w/dash',
      recorderDir: '/abs/rec',
      demoDir: '/w/demo',
    });
    expect(config.masterKey?.equals(Buffer.alloc(32, 9))).toBe(true);
    expect(loadConfig({ VEIL_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ VEIL_TRUST_PROXY: 'TRUE' }).trustProxy).toBe(true);
    expect(loadConfig({ VEIL_SECURE_COOKIES: 'false' }).secureCookies).toBe('never');
    expect(loadConfig({ PORT: '' }).port).toBe(8080);
  });

  it('names every invalid variable', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        VEIL_MASTER_KEY: 'c2hvcnQ=',
        VEIL_DATABASE_URL: 'mysql://x',
        VEIL_ADMIN_PASSWORD: 'short',
        VEIL_DEMO: 'maybe',
        VEIL_SECURE_COOKIES: 'sometimes',
        // One visitor is no cohort.
        VEIL_HEATMAP_MIN_COHORT: '1',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of [
      'PORT',
      'VEIL_MASTER_KEY',
      'VEIL_DATABASE_URL',
      'VEIL_ADMIN_PASSWORD',
      'VEIL_DEMO',
      'VEIL_SECURE_COOKIES',
      'VEIL_HEATMAP_MIN_COHORT',
    ]) {
      expect(problems).toContain(name);
    }
    expect(problems).not.toContain('c2hvcnQ=');
  });

  it('describes the configuration without secrets', () => {
    const text = JSON.stringify(
      describeConfig(
        loadConfig({
          VEIL_DATABASE_URL: 'postgres://u:hunter2@db/veil',
          VEIL_MASTER_KEY: Buffer.alloc(32, 1).toString('base64'),
        }),
      ),
    );
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain(Buffer.alloc(32, 1).toString('base64'));
  });
});

describe('CONFIG_VARIABLES', () => {
  it('lists exactly the variables loadConfig reads, each described', () => {
    const names = CONFIG_VARIABLES.map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.sort()).toEqual(
      [
        'PORT',
        'HOST',
        'VEIL_DATA_DIR',
        'VEIL_DATABASE_URL',
        'VEIL_MASTER_KEY',
        'VEIL_IDENTITY_SECRET',
        'VEIL_ADMIN_EMAIL',
        'VEIL_ADMIN_PASSWORD',
        'VEIL_LOG_LEVEL',
        'VEIL_DEMO',
        'VEIL_SECURE_COOKIES',
        'VEIL_TRUST_PROXY',
        'VEIL_REGION_HEADER',
        'VEIL_GEOIP_DATABASE',
        'VEIL_INGEST_MAX_IN_FLIGHT',
        'VEIL_INGEST_MAX_QUEUE_MS',
        'VEIL_INGEST_WORKERS',
        'VEIL_HEATMAP_MIN_COHORT',
        'VEIL_DASHBOARD_DIR',
        'VEIL_RECORDER_DIR',
        'VEIL_DEMO_DIR',
        'VEIL_ADMIN_TOTP_SECRET',
        'VEIL_CHROMIUM_PATH',
        'VEIL_AUDIT_SIGNING_KEY',
        'VEIL_AUDIT_SIGNING_KEY_FILE',
        'VEIL_AUDIT_ANCHOR',
        'VEIL_AUDIT_TRUSTED_KEYS',
        'VEIL_OIDC_ISSUER',
        'VEIL_OIDC_CLIENT_ID',
        'VEIL_OIDC_CLIENT_SECRET',
        'VEIL_OIDC_REDIRECT_URL',
        'VEIL_OIDC_SCOPES',
        'VEIL_OIDC_GROUPS_CLAIM',
        'VEIL_OIDC_ROLE_MAP',
        'VEIL_OIDC_LABEL',
        'VEIL_OIDC_TRUST_MFA',
      ].sort(),
    );
    for (const v of CONFIG_VARIABLES) expect(v.description.length).toBeGreaterThan(10);
  });

  it('states the defaults loadConfig applies', () => {
    const defaults = Object.fromEntries(CONFIG_VARIABLES.map((v) => [v.name, v.default]));
    const config = loadConfig({}, '/x');
    expect(Number(defaults.PORT)).toBe(config.port);
    expect(defaults.HOST).toBe(config.host);
    expect(path.resolve('/x', defaults.VEIL_DATA_DIR ?? '')).toBe(config.dataDir);
    expect(defaults.VEIL_ADMIN_EMAIL).toBe(config.admin.email);
    expect(defaults.VEIL_LOG_LEVEL).toBe(config.logLevel);
    expect(defaults.VEIL_DEMO).toBe(String(config.demo));
    expect(defaults.VEIL_SECURE_COOKIES).toBe(config.secureCookies);
    expect(defaults.VEIL_TRUST_PROXY).toBe(String(config.trustProxy));
    expect(Number(defaults.VEIL_INGEST_MAX_IN_FLIGHT)).toBe(config.ingestMaxInFlight);
    expect(Number(defaults.VEIL_HEATMAP_MIN_COHORT)).toBe(config.heatmapMinCohort);
    expect(config.heatmapMinCohort).toBe(20);
    expect(Number(defaults.VEIL_INGEST_MAX_QUEUE_MS)).toBe(config.ingestMaxQueueMs);
    expect(defaults.VEIL_INGEST_WORKERS).toBe('auto');
    expect(config.ingestWorkers).toBe(autoIngestWorkers());
  });

  it('sizes ingest workers by the cores: auto is one fewer than the cores, 0 keeps ingest on the main thread', () => {
    expect(autoIngestWorkers(1)).toBe(0);
    expect(autoIngestWorkers(2)).toBe(1);
    expect(autoIngestWorkers(8)).toBe(7);
    expect(loadConfig({ VEIL_INGEST_WORKERS: '0' }, '/x').ingestWorkers).toBe(0);
    expect(loadConfig({ VEIL_INGEST_WORKERS: '3' }, '/x').ingestWorkers).toBe(3);
    expect(() => loadConfig({ VEIL_INGEST_WORKERS: 'many' }, '/x')).toThrow(/VEIL_INGEST_WORKERS/);
    expect(() => loadConfig({ VEIL_INGEST_WORKERS: '-1' }, '/x')).toThrow(/VEIL_INGEST_WORKERS/);
    expect(loadConfig({ VEIL_INGEST_MAX_QUEUE_MS: '400' }, '/x').ingestMaxQueueMs).toBe(400);
  });
});

describe('the README configuration table', () => {
  const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
  const rows = [...readme.matchAll(/^\|\s*`([A-Z_]+)`\s*\|\s*([^|]*?)\s*\|/gm)].map((m) => ({
    name: m[1] ?? '',
    default: /^`.*`$/.test(m[2] ?? '') ? m[2]?.slice(1, -1) : undefined,
  }));

  it('documents every operator variable with the default loadConfig applies', () => {
    const documented = new Map(rows.map((r) => [r.name, r.default]));
    for (const variable of CONFIG_VARIABLES.filter((v) => v.audience === 'operator')) {
      expect(documented.has(variable.name), `${variable.name} in the README`).toBe(true);
      expect(documented.get(variable.name), `${variable.name} default`).toBe(variable.default);
    }
    const known = new Set(CONFIG_VARIABLES.map((v) => v.name));
    for (const row of rows.filter(
      (r) => r.name.startsWith('VEIL_') || r.name === 'PORT' || r.name === 'HOST',
    )) {
      if (row.name === 'VEIL_CHROMIUM_PATH') continue;
      expect(known.has(row.name), `${row.name} is read by the server`).toBe(true);
    }
  });
});
