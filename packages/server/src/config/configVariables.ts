/** One environment variable Veil reads at boot; the README's table is checked against this list. */
export interface ConfigVariable {
  name: string;
  /** The default as a human reads it, or `undefined` when the variable is optional without default. */
  default: string | undefined;
  description: string;
  /**
   * `operator`: part of the README's configuration table. `development`: overrides for packagers
   * and tests (where the built dashboard, recorder and demo site are read from).
   */
  audience: 'operator' | 'development';
}

/** Every environment variable of the server and CLI, in the order the README documents them. */
export const CONFIG_VARIABLES: readonly ConfigVariable[] = Object.freeze([
  {
    name: 'PORT',
    default: '8080',
    description: 'TCP port the server listens on (0 picks a free port).',
    audience: 'operator',
  },
  {
    name: 'HOST',
    default: '127.0.0.1',
    description: 'Interface the server binds to; `0.0.0.0` exposes it on every interface.',
    audience: 'operator',
  },
  {
    name: 'VEIL_DATA_DIR',
    default: './.veil-data',
    description: 'Directory for the SQLite database and the generated master key file (created mode 0700).',
    audience: 'operator',
  },
  {
    name: 'VEIL_DATABASE_URL',
    default: undefined,
    description:
      'A `postgres://` (or `postgresql://`) URL selects PostgreSQL; unset means SQLite at `<VEIL_DATA_DIR>/veil.sqlite`.',
    audience: 'operator',
  },
  {
    name: 'VEIL_MASTER_KEY',
    default: undefined,
    description:
      'Base64 of 32 random bytes that wraps every session data key; unset means a 0600 key file `<VEIL_DATA_DIR>/master.key` created on first start. Set it when several processes share PostgreSQL.',
    audience: 'operator',
  },
  {
    name: 'VEIL_ADMIN_EMAIL',
    default: 'admin@localhost',
    description: 'Email of the owner account created on first start (when no user exists yet).',
    audience: 'operator',
  },
  {
    name: 'VEIL_ADMIN_PASSWORD',
    default: undefined,
    description:
      'Password of that owner account (at least 8 characters); unset means a strong one is generated and printed once.',
    audience: 'operator',
  },
  {
    name: 'VEIL_LOG_LEVEL',
    default: 'info',
    description: 'pino log level: fatal, error, warn, info, debug, trace or silent.',
    audience: 'operator',
  },
  {
    name: 'VEIL_DEMO',
    default: 'true',
    description:
      'Serve the demo site at `/demo/` and keep a demo site (origins http://localhost:PORT and http://127.0.0.1:PORT, 100 % sampling).',
    audience: 'operator',
  },
  {
    name: 'VEIL_SECURE_COOKIES',
    default: 'auto',
    description:
      '`auto` marks the session cookie Secure when the request came over TLS; `true` always, `false` never.',
    audience: 'operator',
  },
  {
    name: 'VEIL_TRUST_PROXY',
    default: 'false',
    description:
      'Trust X-Forwarded-* headers: `true`, `false`, a hop count, or a comma-separated list of proxy addresses/CIDRs.',
    audience: 'operator',
  },
  {
    name: 'VEIL_DASHBOARD_DIR',
    default: 'packages/dashboard/dist',
    description: 'Built dashboard served at `/` (repository-relative default).',
    audience: 'development',
  },
  {
    name: 'VEIL_RECORDER_DIR',
    default: 'packages/recorder/dist',
    description: 'Directory holding the built `loader.js` and `recorder.js` served under `/r/v1/`.',
    audience: 'development',
  },
  {
    name: 'VEIL_DEMO_DIR',
    default: 'examples/demo-site/public',
    description:
      'Static demo site served at `/demo/`; `{{VEIL_SITE_KEY}}` in its HTML becomes the demo site key.',
    audience: 'development',
  },
]);
