import path from 'node:path';

/** Default syslog target of `VEIL_AUDIT_ANCHOR=syslog`: the local daemon's UDP input. */
export const DEFAULT_SYSLOG_PORT = 514;

/** Where signed audit checkpoints are written besides the database (`VEIL_AUDIT_ANCHOR`). */
export type AuditAnchorSetting =
  | { kind: 'file'; file: string }
  | { kind: 'syslog'; host: string; port: number }
  | { kind: 'webhook'; url: URL };

/**
 * Parses `VEIL_AUDIT_ANCHOR`: an `http(s)://` URL is a webhook, `syslog` or `syslog://HOST[:PORT]`
 * is syslog over UDP, anything else is a file path (relative paths resolve against `cwd`). Throws
 * with a message naming what is wrong.
 */
export function parseAuditAnchorSetting(value: string, cwd: string): AuditAnchorSetting {
  const text = value.trim();
  if (/^https?:\/\//i.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new Error(`"${text}" is not a valid webhook URL`);
    }
    return { kind: 'webhook', url };
  }
  if (text.toLowerCase() === 'syslog')
    return { kind: 'syslog', host: '127.0.0.1', port: DEFAULT_SYSLOG_PORT };
  if (/^syslog:\/\//i.test(text)) {
    let url: URL;
    try {
      url = new URL(text.replace(/^syslog:/i, 'http:'));
    } catch {
      throw new Error(`"${text}" is not syslog://HOST[:PORT]`);
    }
    if (url.pathname !== '/' || url.search !== '' || url.username !== '')
      throw new Error(`"${text}" is not syslog://HOST[:PORT]`);
    const port = url.port === '' ? DEFAULT_SYSLOG_PORT : Number(url.port);
    return { kind: 'syslog', host: url.hostname.replace(/^\[|\]$/g, ''), port };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text))
    throw new Error(`"${text}": expected a file path, syslog, syslog://HOST[:PORT] or an http(s) URL`);
  return { kind: 'file', file: path.resolve(cwd, text) };
}

/** The setting as it may be logged: a webhook's path and query may hold a token, so only its origin. */
export function describeAuditAnchor(setting: AuditAnchorSetting | undefined): string {
  if (!setting) return 'application log only';
  if (setting.kind === 'file') return `file ${setting.file}`;
  if (setting.kind === 'syslog') return `syslog udp ${setting.host}:${setting.port}`;
  return `webhook ${setting.url.origin}`;
}
