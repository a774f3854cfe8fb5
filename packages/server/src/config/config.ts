import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_HEATMAP_MIN_COHORT, MAX_HEATMAP_MIN_COHORT, MIN_HEATMAP_MIN_COHORT } from '@veil/core';
import { z } from 'zod';
import {
  type AuditAnchorSetting,
  describeAuditAnchor,
  parseAuditAnchorSetting,
} from '../audit/anchor/auditAnchorSetting.js';
import type { AuditKeySource } from '../audit/auditSigningKey.js';
import { type AccessConfig, accessConfigFrom, accessEnvShape } from './accessConfig.js';

/** The repository root, from this file's place in `packages/server/{src,dist}/config/`. */
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export type DatabaseConfig = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

/** Argon2id cost parameters; production uses OWASP's minimum, tests may pass lighter ones. */
export interface PasswordHashingOptions {
  /** Memory in KiB. */
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/** OWASP's recommended argon2id minimum (19 MiB, 2 passes, 1 lane). */
export const DEFAULT_PASSWORD_HASHING: Readonly<PasswordHashingOptions> = Object.freeze({
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
});

export type TrustProxy = boolean | number | string[];

/** The server's whole configuration, parsed once at boot and injected everywhere. */
export interface VeilConfig extends AccessConfig {
  port: number;
  host: string;
  /** Absolute. */
  dataDir: string;
  database: DatabaseConfig;
  /** 32 bytes from `VEIL_MASTER_KEY`, or `undefined` to use the key file in `dataDir`. */
  masterKey: Buffer | undefined;
  /** 32 bytes from `VEIL_IDENTITY_SECRET` (keys user-id hashes), or `undefined` for `identity.key`. */
  identitySecret: Buffer | undefined;
  admin: { email: string; password: string | undefined };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  demo: boolean;
  secureCookies: 'auto' | 'always' | 'never';
  trustProxy: TrustProxy;
  /** `VEIL_REGION_HEADER`: a header a trusted proxy sets to the visitor's ISO country code. */
  regionHeader: string | undefined;
  /** `VEIL_GEOIP_DATABASE`: absolute path of a MaxMind-format country database (`.mmdb`). */
  geoipDatabase: string | undefined;
  /**
   * `VEIL_INGEST_MAX_IN_FLIGHT`: ingest requests handled at once; one more is answered 503 with
   * `Retry-After` at once instead of queueing. @default DEFAULT_INGEST_MAX_IN_FLIGHT
   */
  ingestMaxInFlight: number;
  /**
   * `VEIL_INGEST_WORKERS`: worker threads that run ingest's CPU work (decompress, parse, redact,
   * inventory, aggregate, compress); 0 runs it on the main thread. `auto`: one fewer than
   * `os.availableParallelism()` (the main thread keeps the HTTP server and every database write).
   * @default DEFAULT_INGEST_WORKERS ('auto')
   */
  ingestWorkers: number;
  /**
   * `VEIL_INGEST_MAX_QUEUE_MS`: when the oldest ingest request still being handled has waited longer
   * than this, or the requests in flight would make a new one wait longer (in flight × the recent
   * time per batch), a new batch is answered 503 with `Retry-After` at once instead of queueing.
   * @default DEFAULT_INGEST_MAX_QUEUE_MS
   */
  ingestMaxQueueMs: number;
  /**
   * `VEIL_HEATMAP_MIN_COHORT`: distinct visitors every day and device class of a heatmap query
   * must hold, else the query is refused (`cohort_too_small`). @default DEFAULT_HEATMAP_MIN_COHORT
   */
  heatmapMinCohort: number;
  /** `VEIL_CHROMIUM_PATH`: the Chromium that prints the compliance pack as PDF and runs scheduled pre-consent scans. */
  chromiumPath: string;
  dashboardDir: string;
  recorderDir: string;
  demoDir: string;
  passwordHashing: PasswordHashingOptions;
}

/**
 * Ingest requests one process handles at once before it sheds load (503 + `Retry-After`). At a few
 * hundred batches a second this many in flight wait well under 250 ms.
 */
export const DEFAULT_INGEST_MAX_IN_FLIGHT = 64;
/** Ingest worker threads: `auto` is one fewer than the cores (`os.availableParallelism()`). */
export const DEFAULT_INGEST_WORKERS = 'auto';
/** Most ingest worker threads one process starts. */
export const MAX_INGEST_WORKERS = 64;
/**
 * Queueing delay beyond which ingest sheds load (503 + `Retry-After`): the age of the oldest batch
 * still being handled. Under it, a batch waits at most this long behind the others, which keeps
 * p99 under 250 ms at the sustained maximum.
 */
export const DEFAULT_INGEST_MAX_QUEUE_MS = 200;

/** Worker threads for `VEIL_INGEST_WORKERS=auto`: one fewer than the cores this process may use. */
export function autoIngestWorkers(cores = availableParallelism()): number {
  return Math.max(0, Math.min(MAX_INGEST_WORKERS, cores - 1));
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

const booleanWords: Record<string, boolean> = {
  true: true,
  '1': true,
  yes: true,
  on: true,
  false: false,
  '0': false,
  no: false,
  off: false,
};

const boolFromEnv = z
  .string()
  .trim()
  .toLowerCase()
  .refine((s) => s in booleanWords, 'expected true or false')
  .transform((s) => booleanWords[s] === true);

const emailPattern = /^[^\s@]+@[^\s@]+$/;

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  VEIL_DATA_DIR: z.string().trim().min(1).default('./.veil-data'),
  VEIL_DATABASE_URL: z
    .string()
    .trim()
    .refine(
      (s) => /^postgres(ql)?:\/\//i.test(s),
      'only postgres:// URLs are supported (unset it for SQLite)',
    )
    .optional(),
  VEIL_MASTER_KEY: z
    .string()
    .trim()
    .refine((s) => /^[A-Za-z0-9+/_-]+={0,2}$/.test(s) && Buffer.from(s, 'base64').length === 32, {
      message: 'must be the base64 of exactly 32 bytes (e.g. `openssl rand -base64 32`)',
    })
    .transform((s) => Buffer.from(s, 'base64'))
    .optional(),
  VEIL_IDENTITY_SECRET: z
    .string()
    .trim()
    .refine((s) => /^[A-Za-z0-9+/_-]+={0,2}$/.test(s) && Buffer.from(s, 'base64').length === 32, {
      message: 'must be the base64 of exactly 32 bytes (e.g. `openssl rand -base64 32`)',
    })
    .transform((s) => Buffer.from(s, 'base64'))
    .optional(),
  VEIL_ADMIN_EMAIL: z
    .string()
    .trim()
    .toLowerCase()
    .regex(emailPattern, 'must be an email address')
    .default('admin@localhost'),
  VEIL_ADMIN_PASSWORD: z.string().min(8, 'must have at least 8 characters').max(1024).optional(),
  VEIL_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  VEIL_DEMO: boolFromEnv.default(true),
  VEIL_CHROMIUM_PATH: z.string().trim().min(1).default('/usr/bin/chromium'),
  VEIL_SECURE_COOKIES: z
    .enum(['auto', 'true', 'false'])
    .default('auto')
    .transform((v) => (v === 'auto' ? 'auto' : v === 'true' ? 'always' : 'never')),
  VEIL_REGION_HEADER: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9-]{1,64}$/, 'must be a header name such as cf-ipcountry')
    .transform((v) => v.toLowerCase())
    .optional(),
  VEIL_GEOIP_DATABASE: z.string().trim().min(1).optional(),
  VEIL_INGEST_MAX_IN_FLIGHT: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(DEFAULT_INGEST_MAX_IN_FLIGHT),
  VEIL_INGEST_WORKERS: z
    .string()
    .trim()
    .default(DEFAULT_INGEST_WORKERS)
    .refine((v) => v === 'auto' || (/^\d+$/.test(v) && Number(v) <= MAX_INGEST_WORKERS), {
      message: `must be auto or a number of threads from 0 to ${MAX_INGEST_WORKERS}`,
    })
    .transform((v) => (v === 'auto' ? autoIngestWorkers() : Number(v))),
  VEIL_INGEST_MAX_QUEUE_MS: z.coerce.number().int().min(1).max(600_000).default(DEFAULT_INGEST_MAX_QUEUE_MS),
  VEIL_HEATMAP_MIN_COHORT: z.coerce
    .number()
    .int()
    .min(MIN_HEATMAP_MIN_COHORT)
    .max(MAX_HEATMAP_MIN_COHORT)
    .default(DEFAULT_HEATMAP_MIN_COHORT),
  VEIL_TRUST_PROXY: z
    .string()
    .trim()
    .default('false')
    .transform((v): TrustProxy => {
      const word = booleanWords[v.toLowerCase()];
      if (word !== undefined) return word;
      if (/^\d+$/.test(v)) return Number(v);
      return v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
    }),
  VEIL_DASHBOARD_DIR: z.string().trim().min(1).optional(),
  VEIL_RECORDER_DIR: z.string().trim().min(1).optional(),
  VEIL_DEMO_DIR: z.string().trim().min(1).optional(),
  ...accessEnvShape,
});

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Parses the environment into a `VeilConfig`, once, at boot. Empty variables count as unset.
 * Relative paths resolve against `cwd`. Throws `ConfigError` naming every bad variable.
 */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): VeilConfig {
  const present: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') present[key] = value;
  }
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || 'env'}: ${i.message}`));
  }
  const e = parsed.data;
  const access = accessConfigFrom(e);
  if (e.VEIL_AUDIT_SIGNING_KEY && e.VEIL_AUDIT_SIGNING_KEY_FILE)
    access.problems.push('VEIL_AUDIT_SIGNING_KEY_FILE: set either it or VEIL_AUDIT_SIGNING_KEY, not both');
  let anchor: AuditAnchorSetting | undefined;
  try {
    anchor = e.VEIL_AUDIT_ANCHOR ? parseAuditAnchorSetting(e.VEIL_AUDIT_ANCHOR, cwd) : undefined;
  } catch (error) {
    access.problems.push(`VEIL_AUDIT_ANCHOR: ${(error as Error).message}`);
  }
  if (access.problems.length > 0) throw new ConfigError(access.problems);
  access.config.audit.signingKeyFile = e.VEIL_AUDIT_SIGNING_KEY_FILE
    ? path.resolve(cwd, e.VEIL_AUDIT_SIGNING_KEY_FILE)
    : undefined;
  access.config.audit.anchor = anchor;
  const dataDir = path.resolve(cwd, e.VEIL_DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    database: e.VEIL_DATABASE_URL
      ? { kind: 'postgres', url: e.VEIL_DATABASE_URL }
      : { kind: 'sqlite', file: path.join(dataDir, 'veil.sqlite') },
    masterKey: e.VEIL_MASTER_KEY,
    identitySecret: e.VEIL_IDENTITY_SECRET,
    admin: { email: e.VEIL_ADMIN_EMAIL, password: e.VEIL_ADMIN_PASSWORD },
    logLevel: e.VEIL_LOG_LEVEL,
    demo: e.VEIL_DEMO,
    secureCookies: e.VEIL_SECURE_COOKIES,
    trustProxy: e.VEIL_TRUST_PROXY,
    regionHeader: e.VEIL_REGION_HEADER,
    geoipDatabase: e.VEIL_GEOIP_DATABASE ? path.resolve(cwd, e.VEIL_GEOIP_DATABASE) : undefined,
    ingestMaxInFlight: e.VEIL_INGEST_MAX_IN_FLIGHT,
    ingestWorkers: e.VEIL_INGEST_WORKERS,
    ingestMaxQueueMs: e.VEIL_INGEST_MAX_QUEUE_MS,
    heatmapMinCohort: e.VEIL_HEATMAP_MIN_COHORT,
    dashboardDir: resolveDir(cwd, e.VEIL_DASHBOARD_DIR, 'packages/dashboard/dist'),
    recorderDir: resolveDir(cwd, e.VEIL_RECORDER_DIR, 'packages/recorder/dist'),
    demoDir: resolveDir(cwd, e.VEIL_DEMO_DIR, 'examples/demo-site/public'),
    chromiumPath: e.VEIL_CHROMIUM_PATH,
    passwordHashing: { ...DEFAULT_PASSWORD_HASHING },
    ...access.config,
  };
}

function resolveDir(cwd: string, value: string | undefined, repoRelativeDefault: string): string {
  return value ? path.resolve(cwd, value) : path.join(REPO_ROOT, repoRelativeDefault);
}

/** A description of the configuration that is safe to log: no secrets, no credentials in URLs. */
export function describeConfig(config: VeilConfig): Record<string, unknown> {
  return {
    port: config.port,
    host: config.host,
    dataDir: config.dataDir,
    database: config.database.kind === 'sqlite' ? `sqlite:${config.database.file}` : 'postgres',
    masterKey: config.masterKey ? 'VEIL_MASTER_KEY' : 'key file',
    identitySecret: config.identitySecret ? 'VEIL_IDENTITY_SECRET' : 'key file',
    demo: config.demo,
    secureCookies: config.secureCookies,
    trustProxy: config.trustProxy,
    region:
      [config.regionHeader && 'header', config.geoipDatabase && 'geoip database']
        .filter(Boolean)
        .join(' + ') || 'off',
    auditSigningKey: config.audit.signingKey
      ? 'VEIL_AUDIT_SIGNING_KEY'
      : config.audit.signingKeyFile
        ? `VEIL_AUDIT_SIGNING_KEY_FILE ${config.audit.signingKeyFile}`
        : 'key file in the data directory',
    auditAnchor: describeAuditAnchor(config.audit.anchor),
    oidc: config.oidc ? config.oidc.issuer.origin : 'off',
  };
}

/** The configured audit signing key: the seed, the key file, or `undefined` for the data directory's. */
export function auditKeySource(config: VeilConfig): AuditKeySource {
  if (config.audit.signingKey) return config.audit.signingKey;
  return config.audit.signingKeyFile ? { file: config.audit.signingKeyFile } : undefined;
}
