import { ipv4Valid, ipv6Valid } from '../detectors/validators.js';

/** An address as a big integer plus its family, or null when it is not an IP address. */
function parseIp(text: string): { family: 4 | 6; value: bigint } | null {
  let ip = text.trim();
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  const zone = ip.indexOf('%');
  if (zone !== -1) ip = ip.slice(0, zone);
  if (ipv4Valid(ip)) {
    return { family: 4, value: ip.split('.').reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n) };
  }
  if (!ipv6Valid(ip)) return null;
  // IPv4-mapped IPv6 (::ffff:a.b.c.d) is matched as IPv4.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return parseIp(mapped[1]!);
  let head = ip;
  const groups: string[] = [];
  const lastColon = ip.lastIndexOf(':');
  const tail = ip.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = parseIp(tail);
    if (!v4) return null;
    head = `${ip.slice(0, lastColon + 1)}${(v4.value >> 16n).toString(16)}:${(v4.value & 0xffffn).toString(16)}`;
  }
  const [left, right] = head.includes('::') ? head.split('::') : [head, undefined];
  const l = left ? left.split(':') : [];
  const r = right !== undefined && right !== '' ? right.split(':') : [];
  groups.push(...l);
  if (right !== undefined) for (let i = 0; i < 8 - l.length - r.length; i++) groups.push('0');
  groups.push(...r);
  if (groups.length !== 8) return null;
  return { family: 6, value: groups.reduce((acc, g) => (acc << 16n) | BigInt(Number.parseInt(g, 16)), 0n) };
}

/**
 * Does `ip` match one block-list rule? Rules: an exact address (v4 or v6), a v4 wildcard
 * (`203.0.113.*`, `10.*.*.*`), or a CIDR range (`192.0.2.0/24`, `2001:db8::/32`).
 */
export function ipMatchesRule(ip: string, rule: string): boolean {
  const addr = parseIp(ip);
  if (!addr) return false;
  const r = rule.trim();
  if (r.includes('*')) {
    if (addr.family !== 4) return false;
    const parts = r.split('.');
    if (parts.length !== 4) return false;
    const octets = ip
      .trim()
      .replace(/^::ffff:/i, '')
      .split('.');
    return parts.every((p, i) => p === '*' || p === octets[i]);
  }
  const slash = r.indexOf('/');
  if (slash === -1) {
    const other = parseIp(r);
    return other !== null && other.family === addr.family && other.value === addr.value;
  }
  const net = parseIp(r.slice(0, slash));
  const bits = Number(r.slice(slash + 1));
  if (!net || net.family !== addr.family || !Number.isInteger(bits)) return false;
  const width = addr.family === 4 ? 32 : 128;
  if (bits < 0 || bits > width) return false;
  const shift = BigInt(width - bits);
  return addr.value >> shift === net.value >> shift;
}

/** True when any rule of the block list matches. */
export function ipBlocked(ip: string, blockList: readonly string[]): boolean {
  return blockList.some((rule) => ipMatchesRule(ip, rule));
}

/** A rule is valid when it is an address, a v4 wildcard or a CIDR range. */
export function isValidIpRule(rule: string): boolean {
  const r = rule.trim();
  if (/^(\d{1,3}|\*)(\.(\d{1,3}|\*)){3}$/.test(r) && r.includes('*')) return true;
  const slash = r.indexOf('/');
  if (slash === -1) return parseIp(r) !== null;
  const net = parseIp(r.slice(0, slash));
  const bits = Number(r.slice(slash + 1));
  return net !== null && Number.isInteger(bits) && bits >= 0 && bits <= (net.family === 4 ? 32 : 128);
}
