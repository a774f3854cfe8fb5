/**
 * A session's first contributions, for distinct-session counters: a session counts once per page,
 * element and cell (and once more per rage, dead and attention kind). Keys are stored as short
 * FNV-1a hashes; a collision can only make a counter one session lower, the safe side of
 * k-anonymity.
 */
export class SeenSet {
  private readonly keys: Set<string>;

  constructor(stored: readonly string[] = []) {
    this.keys = new Set(stored);
  }

  /** 1 the first time `kind`+`key` is seen, 0 after. */
  first(kind: string, key: string): number {
    const h = fnv1a(`${kind}\u0000${key}`);
    if (this.keys.has(h)) return 0;
    this.keys.add(h);
    return 1;
  }

  get size(): number {
    return this.keys.size;
  }

  toJSON(): string[] {
    return [...this.keys];
  }
}

function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}
