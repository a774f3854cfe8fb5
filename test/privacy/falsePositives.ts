/**
 * The false-positive corpus: text that looks like numbers people write down but holds no
 * personal data (order numbers, prices, timestamps, version strings, tracking numbers,
 * phone-like product codes, identifiers and measurements). Generated from a fixed seed, so every
 * run measures the same corpus. Detectors must leave (almost) all of it alone.
 */

/** Deterministic pseudo-random numbers. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export interface BenignText {
  category: string;
  text: string;
}

/** How many generated texts per category (plus the fixed examples). */
export const FALSE_POSITIVE_TEXTS_PER_CATEGORY = 150;

export function falsePositiveCorpus(seed = 7): BenignText[] {
  const r = rng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const digits = (n: number, first = '123456789'): string => {
    let s = first[Math.floor(r() * first.length)]!;
    for (let i = 1; i < n; i++) s += String(int(0, 9));
    return s;
  };
  const pad = (n: number, w: number): string => String(n).padStart(w, '0');
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const upperAlnum = (n: number): string => {
    const a = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789';
    let s = '';
    for (let i = 0; i < n; i++) s += a[Math.floor(r() * a.length)]!;
    return s;
  };
  const hex = (n: number): string => {
    let s = '';
    for (let i = 0; i < n; i++) s += '0123456789abcdef'[int(0, 15)]!;
    return s;
  };
  const date = (): [number, number, number] => [int(2015, 2030), int(1, 12), int(1, 28)];

  const generators: Record<string, () => string> = {
    'order number': () =>
      pick([
        () => `Order #${digits(int(5, 9))} shipped`,
        () => `ORD-${int(2018, 2030)}-${pad(int(1, 999999), 6)}`,
        () => `Order no. ${digits(3)}-${digits(7)}-${digits(7)}`,
        () => `Your order ${digits(int(10, 19))} is confirmed`,
        () => `PO ${digits(10, '4')}`,
        () => `SO-${digits(5)} / line ${int(1, 40)}`,
        () => `Invoice INV-${int(2018, 2030)}-${pad(int(1, 99999), 5)} due`,
        () => `Order number: ${digits(16, '45')}`,
        () => `Booking reference ${digits(13)}`,
      ])(),
    price: () =>
      pick([
        () => `$${int(1, 9)},${pad(int(0, 999), 3)}.${pad(int(0, 99), 2)}`,
        () => `€ ${int(1, 999)}.${pad(int(0, 999), 3)},${pad(int(0, 99), 2)}`,
        () => `Total: ${int(1, 9999)}.${pad(int(0, 99), 2)} incl. VAT`,
        () => `USD ${int(1, 999)},${pad(int(0, 999), 3)},${pad(int(0, 999), 3)}.00`,
        () => `${int(1, 99)} ${pad(int(0, 999), 3)} ${pad(int(0, 999), 3)},${pad(int(0, 99), 2)} kr`,
        () => `¥ ${int(1, 999)},${pad(int(0, 999), 3)}`,
        () => `Was $${int(10, 999)}.99, now $${int(1, 9)}.99 (save ${int(5, 70)}%)`,
      ])(),
    timestamp: () => {
      const [y, m, d] = date();
      const t = `${pad(int(0, 23), 2)}:${pad(int(0, 59), 2)}:${pad(int(0, 59), 2)}`;
      return pick([
        () => `${y}-${pad(m, 2)}-${pad(d, 2)}T${t}Z`,
        () => `${y}-${pad(m, 2)}-${pad(d, 2)} ${t}.${pad(int(0, 999), 3)}`,
        () => `Updated ${int(1600000000, 1900000000)}`,
        () => `ts=${int(1600000000, 1900000000)}${pad(int(0, 999), 3)}`,
        () => `${pad(d, 2)}/${pad(m, 2)}/${y} ${t.slice(0, 5)}`,
        () => `${pad(d, 2)}.${pad(m, 2)}.${y}, ${t.slice(0, 5)} Uhr`,
        () => `Elapsed ${t}.${pad(int(0, 999), 3)}`,
        () => `${pad(m, 2)}/${pad(d, 2)}/${y} - ${pad(m, 2)}/${pad(int(1, 28), 2)}/${y}`,
        () => `${y}${pad(m, 2)}${pad(d, 2)}${t.replace(/:/g, '')}`,
      ])();
    },
    version: () =>
      pick([
        () => `v${int(0, 30)}.${int(0, 40)}.${int(0, 99)}`,
        () => `Version ${int(1, 20)}.${int(0, 9)}.${int(0, 99999)}.${int(0, 9999)}`,
        () => `Chrome/${int(90, 140)}.0.${int(1000, 9999)}.${int(10, 300)}`,
        () => `release ${int(1, 9)}.${int(0, 20)}.${int(0, 20)}.${int(0, 9)}`,
        () => `node v${int(14, 24)}.${int(0, 20)}.${int(0, 9)}`,
        () => `Build ${int(2018, 2030)}.${pad(int(1, 12), 2)}.${pad(int(1, 28), 2)}.${int(1, 9)}`,
        () => `firmware ${int(1, 9)}.${int(0, 99)}.${int(0, 255)}.${int(0, 255)}`,
        () => `See section ${int(1, 9)}.${int(1, 9)}.${int(1, 9)}.${int(1, 9)}`,
        () => `@veil/core@${int(0, 9)}.${int(0, 20)}.${int(0, 20)}`,
      ])(),
    'tracking number': () =>
      pick([
        () => `1Z${upperAlnum(3)}${digits(3)}${digits(10)}`,
        () => `FedEx ${digits(4)} ${digits(4)} ${digits(4)}`,
        () => `Tracking ${digits(15, '79')}`,
        () => `USPS 9400 ${digits(4)} ${digits(4)} ${digits(4)} ${digits(4)} ${digits(2)}`,
        () => `${pick(['92', '93', '94'])}${digits(20)}`,
        () => `DHL JD${digits(18)}`,
        () => `Waybill ${digits(10)}`,
        () => `Royal Mail ${upperAlnum(2).replace(/\d/g, 'A')}${digits(9)}GB`,
        () => `Shipment ${digits(12)} out for delivery`,
      ])(),
    'product code': () =>
      pick([
        () => `SKU ${digits(3)}-${pad(int(0, 9999), 4)}-${pad(int(0, 99), 2)}`,
        () => `Part no. ${digits(3)}-${digits(3)}-${digits(4)}`,
        () => `Model ${digits(3, '1')}-${digits(3)}-${digits(4)}`,
        () => `Cat. No. 0${digits(2)}-${digits(4)}-${digits(3)}`,
        () => `Art.-Nr. 0${digits(3)}-${digits(4)}-${digits(2)}`,
        () => `Item ${digits(3)}.${digits(3)}.${digits(4)}`,
        () => `${upperAlnum(3).replace(/\d/g, 'X')}-${digits(3)}-${digits(3)}-${digits(4)}`,
        () => `ISBN 978-${int(0, 9)}-${digits(2)}-${digits(6)}-${int(0, 9)}`,
        () => `EAN ${digits(13)}`,
        () => `GTIN 0${digits(13)}`,
        () => `Ref. ${digits(4)} ${digits(4)} ${digits(4)} ${digits(4)}`,
      ])(),
    identifier: () =>
      pick([
        () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`,
        () => `commit ${hex(40)}`,
        () => `sha ${hex(7)}`,
        () => `Session ${hex(32)}`,
        () => `Ticket ${upperAlnum(int(12, 20))}`,
        () => `Licence ${upperAlnum(5)}-${upperAlnum(5)}-${upperAlnum(5)}-${upperAlnum(5)}`,
        () => `MAC ${hex(2)}:${hex(2)}:${hex(2)}:${hex(2)}:${hex(2)}:${hex(2)}`.toUpperCase(),
        () => `BIC ${pick(['DEUTDEFF', 'COBADEFF', 'NWBKGB2L'])}${pick(['', 'XXX'])}`,
        () => `Sort code ${digits(2)}-${digits(2)}-${digits(2)}`,
        () => `user_${digits(6)}`,
      ])(),
    measurement: () =>
      pick([
        () => `${int(320, 3840)}x${int(240, 2160)} px`,
        () => `${int(1, 99)}.${int(0, 9)} x ${int(1, 99)}.${int(0, 9)} x ${int(1, 99)}.${int(0, 9)} cm`,
        () =>
          `${r() > 0.5 ? '' : '-'}${int(0, 89)}.${digits(6)}, ${r() > 0.5 ? '' : '-'}${int(0, 179)}.${digits(6)}`,
        () => `Page ${int(1, 99)} of ${int(100, 999)}`,
        () => `${int(1, 100)}% of ${int(1000, 9999999).toLocaleString('en-US')} visitors`,
        () => `Ratio ${int(1, 32)}:${int(1, 32)}`,
        () => `John ${int(1, 21)}:${int(1, 40)}`,
        () => `${digits(5)} Berlin`,
        () => `Room ${int(1, 9)}.${int(1, 9)}.${int(10, 99)}`,
        () => `Weight ${int(1, 999)},${digits(3)} kg`,
        () => `Score ${int(0, 9)}:${int(0, 9)} (${int(0, 9)}:${int(0, 9)})`,
      ])(),
    // The hard cases: long numbers with no word around them (a table cell of internal ids).
    'bare number': () =>
      pick([
        () => digits(int(13, 19)),
        () => `${digits(int(13, 19))} ${pick(['pcs', 'units', 'views', 'bytes'])}`,
        () => `${digits(2)} ${digits(2)} ${digits(2)} ${digits(2)} ${digits(2)} ${digits(2)}`,
        () => `${pad(int(1, 28), 2)} ${pad(int(1, 12), 2)} ${int(2015, 2030)}`,
        () => `${int(100, 240)}-${int(200, 260)} V ${int(50, 60)}/${int(50, 60)} Hz`,
        () =>
          `AAPL ${int(100, 300)}.${pad(int(0, 99), 2)} +${int(0, 9)}.${pad(int(0, 99), 2)} (+${int(0, 9)}.${pad(int(0, 99), 2)}%)`,
        () => `UTC+${pad(int(0, 12), 2)}:00`,
      ])(),
    code: () =>
      pick([
        () => `std::vector<int> v(${int(1, 99)});`,
        () => `a::b::c`,
        () => `li::before { content: "${int(1, 9)}" }`,
        () => `color: #${hex(6)}; margin: ${int(0, 40)}px ${int(0, 40)}px`,
        () => `logo@${int(2, 3)}x.png`,
        () => `image@${int(1, 3)}x.webp ${int(1, 3)}x`,
        () => `fetch("/api/v${int(1, 3)}/items?page=${int(1, 99)}")`,
        () => `http://localhost:${int(1024, 65535)}/`,
        () => `::1`,
        () => `0.0.0.0:${int(1024, 65535)}`,
      ])(),
  };

  const out: BenignText[] = [];
  for (const [category, generate] of Object.entries(generators)) {
    for (let i = 0; i < FALSE_POSITIVE_TEXTS_PER_CATEGORY; i++) out.push({ category, text: generate() });
  }
  return out;
}
