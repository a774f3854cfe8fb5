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
    name: 'VEIL_IDENTITY_SECRET',
    default: undefined,
    description:
      "Base64 of 32 random bytes that keys the HMAC of `veil('identify', userId)` ids (only the HMAC is stored); unset means a 0600 key file `<VEIL_DATA_DIR>/identity.key`. Set it when several processes share PostgreSQL.",
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
    name: 'VEIL_REGION_HEADER',
    default: undefined,
    description:
      "A request header a trusted proxy sets to the visitor's ISO country code (`cf-ipcountry`): restricted regions and consent receipts use it. Unset: no header.",
    audience: 'operator',
  },
  {
    name: 'VEIL_GEOIP_DATABASE',
    default: undefined,
    description:
      "Path of a MaxMind-format country database (GeoLite2/GeoIP2 Country or City `.mmdb`), read once at start, for the visitor's country when no header gives it. The address is looked up, never stored.",
    audience: 'operator',
  },
  {
    name: 'VEIL_INGEST_MAX_IN_FLIGHT',
    default: '64',
    description:
      'Ingest requests one process handles at once; beyond it a batch is answered 503 `unavailable` with `Retry-After: 1` at once (the recorder keeps it and sends it again) instead of waiting in a queue.',
    audience: 'operator',
  },
  {
    name: 'VEIL_INGEST_WORKERS',
    default: 'auto',
    description:
      "Worker threads that run ingest's CPU work (decompress, parse, redact, inventory, aggregate, compress); `0` runs it on the main thread. `auto` is one fewer than the cores (`os.availableParallelism()`). Database writes and the group commit stay on the main thread; a session's batches go to one worker.",
    audience: 'operator',
  },
  {
    name: 'VEIL_INGEST_MAX_QUEUE_MS',
    default: '200',
    description:
      'Queueing delay (ms) beyond which ingest sheds load: when the oldest batch still being handled has waited longer, or the batches in flight would make a new one wait longer (in flight × the recent time per batch), a new batch is answered 503 `unavailable` with `Retry-After: 1` at once instead of queueing behind it. Applies only with two or more batches in flight: one batch ahead is not a queue.',
    audience: 'operator',
  },
  {
    name: 'VEIL_HEATMAP_MIN_COHORT',
    default: '20',
    description:
      'Minimum cohort of heatmaps in distinct visitors (2 to 1000): a heatmap answer adds up only whole UTC days whose every device class holds at least this many distinct visitors in the segment and in its rest (a coarser segment minus it); other days are left out and named in `withheldDays`, and a query with no such day is refused with 422 `cohort_too_small`, so that narrowing a segment or differencing overlapping queries cannot isolate fewer visitors. Funnels use the same minimum: a funnel whose first step has fewer distinct visitors shows nothing.',
    audience: 'operator',
  },
  {
    name: 'VEIL_CHROMIUM_PATH',
    default: '/usr/bin/chromium',
    description:
      "Chromium executable that draws the compliance pack's charts (HTML and PDF) and prints its PDF (and that `veil scan` drives); Veil never downloads a browser.",
    audience: 'operator',
  },
  {
    name: 'VEIL_ADMIN_TOTP_SECRET',
    default: undefined,
    description:
      'Base32 TOTP secret of the owner created on first start, for provisioning and automation; unset means the owner enrols at first sign-in.',
    audience: 'operator',
  },
  {
    name: 'VEIL_AUDIT_SIGNING_KEY',
    default: undefined,
    description:
      'Base64 of a 32-byte Ed25519 seed that signs audit checkpoints; unset (and no VEIL_AUDIT_SIGNING_KEY_FILE) means a 0600 key file `<VEIL_DATA_DIR>/audit-signing.key` created on first start, with a warning that it lies beside the database.',
    audience: 'operator',
  },
  {
    name: 'VEIL_AUDIT_SIGNING_KEY_FILE',
    default: undefined,
    description:
      'Path of a file holding that base64 seed, kept outside the data directory (the documented deployment); it must exist (`umask 077; openssl rand -base64 32 > FILE`). Not together with VEIL_AUDIT_SIGNING_KEY.',
    audience: 'operator',
  },
  {
    name: 'VEIL_AUDIT_ANCHOR',
    default: undefined,
    description:
      'Where each signed audit checkpoint is also written as it is signed (at least every minute while entries are added): a file path on other storage, `syslog` / `syslog://HOST:PORT` (RFC 5424 over UDP), or an `http(s)://` webhook. `veil audit verify --anchor FILE` checks the database against it.',
    audience: 'operator',
  },
  {
    name: 'VEIL_AUDIT_TRUSTED_KEYS',
    default: undefined,
    description:
      'Comma-separated base64 public keys of retired audit signing keys, still trusted to verify older checkpoints.',
    audience: 'operator',
  },
  {
    name: 'VEIL_OIDC_ISSUER',
    default: undefined,
    description: 'OpenID Connect issuer URL (https) that turns on single sign-on.',
    audience: 'operator',
  },
  {
    name: 'VEIL_OIDC_CLIENT_ID',
    default: undefined,
    description: "Veil's client id at the identity provider.",
    audience: 'operator',
  },
  {
    name: 'VEIL_OIDC_CLIENT_SECRET',
    default: undefined,
    description: 'Its client secret (unset for a public client).',
    audience: 'operator',
  },
  {
    name: 'VEIL_OIDC_REDIRECT_URL',
    default: undefined,
    description:
      'The redirect URI registered at the provider: `https://VEIL_HOST/api/v1/auth/oidc/callback`.',
    audience: 'operator',
  },
  {
    name: 'VEIL_OIDC_SCOPES',
    default: 'openid email profile groups',
    description: 'Scopes asked for at login.',
    audience: 'operator',
  },
  {
    name: 'VEIL_OIDC_GROUPS_CLAIM',
    default: 'groups',
    description: 'The claim (ID token or UserInfo) that lists the user’s groups.',
    audience: 'operator',
  },
  {
    name: 'VEIL_OIDC_ROLE_MAP',
    default: undefined,
    description:
      "`group=role@siteKey;group=role@*;group=role`: the first match gives the role, the `@` of matching rules of that role the sites (none without); users in no listed group cannot sign in. Role and sites are updated at every login, except the owner's.",
    audience: 'operator',
  },
  {
    name: 'VEIL_OIDC_LABEL',
    default: 'Single sign-on',
    description: 'Text of the sign-in button on the login page.',
    audience: 'operator',
  },
  {
    name: 'VEIL_OIDC_TRUST_MFA',
    default: 'false',
    description:
      "`true` counts the provider's multi-factor login (`amr` claim) as the second factor Veil requires; otherwise Veil asks for its own TOTP.",
    audience: 'operator',
  },
  {
    name: 'VEIL_DASHBOARD_DIR',
    default: 'packages/dashboard/dist',
    description:
      "Built dashboard served at `/` (repository-relative default); its `report-charts.html` draws the compliance pack's charts.",
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
