/**
 * A minimal writer of MaxMind DB files (format 2.0, IPv6 tree, 24-bit records) holding country
 * records, so that tests exercise the real `maxmind` reader on a real `.mmdb` file without
 * downloading a database. Networks are IPv4 (`203.0.113.0/24`) or IPv6 (`2001:db8::/32`).
 */

type Value = string | number | bigint | Value[] | { [key: string]: Value };

/** MaxMind DB data section encoding of one value. */
function encode(value: Value): Buffer {
  const control = (type: number, size: number): Buffer => {
    const extended = type > 7;
    const first = ((extended ? 0 : type) << 5) | Math.min(size, 29);
    const bytes = [first];
    if (extended) bytes.push(type - 7);
    if (size >= 29) {
      if (size - 29 > 255) throw new Error('value too long for this test writer');
      bytes.push(size - 29);
    }
    return Buffer.from(bytes);
  };
  const uint = (type: number, n: bigint): Buffer => {
    const bytes: number[] = [];
    for (let v = n; v > 0n; v >>= 8n) bytes.unshift(Number(v & 0xffn));
    return Buffer.concat([control(type, bytes.length), Buffer.from(bytes)]);
  };
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([control(2, bytes.length), bytes]);
  }
  if (typeof value === 'bigint') return uint(9, value);
  if (typeof value === 'number') return uint(value > 0xffff ? 6 : 5, BigInt(value));
  if (Array.isArray(value)) return Buffer.concat([control(11, value.length), ...value.map(encode)]);
  const entries = Object.entries(value);
  return Buffer.concat([control(7, entries.length), ...entries.flatMap(([k, v]) => [encode(k), encode(v)])]);
}

function bitsOf(network: string): { bits: number[]; prefix: number } {
  const [address, prefixText] = network.split('/');
  const bits: number[] = [];
  if (address!.includes(':')) {
    const [head, tail] = address!.split('::');
    const h = head ? head.split(':') : [];
    const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
    const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
    for (const g of groups) for (let i = 15; i >= 0; i--) bits.push((Number.parseInt(g, 16) >> i) & 1);
    return { bits, prefix: Number(prefixText ?? 128) };
  }
  for (let i = 0; i < 96; i++) bits.push(0); // IPv4 lives at ::a.b.c.d in an IPv6 tree
  for (const octet of address!.split('.')) for (let i = 7; i >= 0; i--) bits.push((Number(octet) >> i) & 1);
  return { bits, prefix: 96 + Number(prefixText ?? 32) };
}

interface TrieNode {
  children: [TrieNode | number | null, TrieNode | number | null];
}

/** A `.mmdb` with `{ country: { iso_code } }` records for the given networks. */
export function buildCountryMmdb(networks: Record<string, string>): Buffer {
  const data: Buffer[] = [];
  const offsets = new Map<string, number>();
  let dataLength = 0;
  const recordOf = (iso: string): number => {
    let at = offsets.get(iso);
    if (at === undefined) {
      const encoded = encode({ country: { iso_code: iso, names: { en: iso } } });
      at = dataLength;
      offsets.set(iso, at);
      data.push(encoded);
      dataLength += encoded.length;
    }
    return at;
  };
  const root: TrieNode = { children: [null, null] };
  for (const [network, iso] of Object.entries(networks)) {
    const { bits, prefix } = bitsOf(network);
    let node = root;
    for (let i = 0; i < prefix - 1; i++) {
      const b = bits[i]! as 0 | 1;
      let next = node.children[b];
      if (next === null || typeof next === 'number') {
        next = { children: [null, null] };
        node.children[b] = next;
      }
      node = next;
    }
    node.children[bits[prefix - 1]! as 0 | 1] = -1 - recordOf(iso); // data pointer, resolved below
  }
  const nodes: TrieNode[] = [];
  const number = new Map<TrieNode, number>();
  const queue = [root];
  while (queue.length > 0) {
    const n = queue.shift()!;
    number.set(n, nodes.length);
    nodes.push(n);
    for (const c of n.children) if (c !== null && typeof c !== 'number') queue.push(c);
  }
  const nodeCount = nodes.length;
  const tree = Buffer.alloc(nodeCount * 6);
  nodes.forEach((n, i) => {
    n.children.forEach((c, side) => {
      const value =
        c === null ? nodeCount : typeof c === 'number' ? nodeCount + 16 + (-1 - c) : number.get(c)!;
      tree.writeUIntBE(value, i * 6 + side * 3, 3);
    });
  });
  const metadata = encode({
    node_count: nodeCount,
    record_size: 24,
    ip_version: 6,
    database_type: 'Veil-Test-Country',
    languages: ['en'],
    binary_format_major_version: 2,
    binary_format_minor_version: 0,
    build_epoch: 1_700_000_000n,
    description: { en: 'Veil test country database' },
  });
  return Buffer.concat([
    tree,
    Buffer.alloc(16),
    ...data,
    Buffer.from([0xab, 0xcd, 0xef]),
    Buffer.from('MaxMind.com', 'ascii'),
    metadata,
  ]);
}
