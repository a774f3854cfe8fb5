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

const OCTET_OR_STAR = /^(?:\*|0|[1-9]\d{0,2})$/;
const PREFIX_BITS = /^(?:0|[1-9]\d{0,2})$/;

/** A parsed block-list rule, or why it is not one. */
type ParsedRule =
  | { kind: 'wildcard'; parts: string[] }
  | { kind: 'range'; family: 4 | 6; value: bigint; bits: number }
  | { kind: 'invalid'; problem: string };

function parseRule(rule: string): ParsedRule {
  const r = rule.trim();
  if (r === '') return { kind: 'invalid', problem: 'the rule is empty' };
  if (r.includes('*')) {
    const parts = r.split('.');
    const ok =
      parts.length === 4 && parts.every((p) => OCTET_OR_STAR.test(p) && (p === '*' || Number(p) <= 255));
    return ok
      ? { kind: 'wildcard', parts }
      : { kind: 'invalid', problem: 'a wildcard rule is four IPv4 octets (0-255) or * (203.0.113.*)' };
  }
  const slash = r.indexOf('/');
  const net = parseIp(slash === -1 ? r : r.slice(0, slash));
  if (!net) return { kind: 'invalid', problem: 'not an IPv4 or IPv6 address' };
  const width = net.family === 4 ? 32 : 128;
  if (slash === -1) return { kind: 'range', family: net.family, value: net.value, bits: width };
  const prefix = r.slice(slash + 1);
  if (!PREFIX_BITS.test(prefix) || Number(prefix) > width) {
    return { kind: 'invalid', problem: `the prefix length must be a number from 0 to ${width}` };
  }
  return { kind: 'range', family: net.family, value: net.value, bits: Number(prefix) };
}

/**
 * Does `ip` match one block-list rule? Rules: an exact address (v4 or v6), a v4 wildcard
 * (`203.0.113.*`, `10.*.*.*`), or a CIDR range (`192.0.2.0/24`, `2001:db8::/32`). An invalid rule
 * matches nothing (policies are validated when written: `ipRuleProblem`).
 */
export function ipMatchesRule(ip: string, rule: string): boolean {
  const addr = parseIp(ip);
  if (!addr) return false;
  const parsed = parseRule(rule);
  if (parsed.kind === 'invalid') return false;
  if (parsed.kind === 'wildcard') {
    if (addr.family !== 4) return false;
    const octets = [24n, 16n, 8n, 0n].map((shift) => String((addr.value >> shift) & 0xffn));
    return parsed.parts.every((p, i) => p === '*' || p === octets[i]);
  }
  if (parsed.family !== addr.family) return false;
  const shift = BigInt((addr.family === 4 ? 32 : 128) - parsed.bits);
  return addr.value >> shift === parsed.value >> shift;
}

/** True when any rule of the block list matches. */
export function ipBlocked(ip: string, blockList: readonly string[]): boolean {
  return blockList.some((rule) => ipMatchesRule(ip, rule));
}

/** Why `rule` is not a block-list rule (address, v4 wildcard, CIDR range), or null when it is one. */
export function ipRuleProblem(rule: string): string | null {
  const parsed = parseRule(rule);
  return parsed.kind === 'invalid' ? parsed.problem : null;
}

/** A rule is valid when it is an address, a v4 wildcard or a CIDR range. */
export function isValidIpRule(rule: string): boolean {
  return ipRuleProblem(rule) === null;
}
