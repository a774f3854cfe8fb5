/** CSV of rows (RFC 4180: quoted fields, doubled quotes). */
export function toCsv(
  header: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | number>>,
): string {
  const field = (v: string | number): string => {
    const s = typeof v === 'number' ? String(v) : v;
    // A leading =, +, - or @ would be a formula in a spreadsheet: neutralised.
    const safe = /^[=+\-@]/.test(s) && typeof v === 'string' ? `'${s}` : s;
    return /[",\n\r]/.test(safe) || safe !== s ? `"${safe.replaceAll('"', '""')}"` : safe;
  };
  return `${[header, ...rows].map((r) => r.map(field).join(',')).join('\r\n')}\r\n`;
}

/** A file name for an export: `heatmap-<site>-<page>-<mode>.<ext>`, safe on every file system. */
export function exportName(siteKey: string, page: string, mode: string, ext: string): string {
  const slug = (s: string) =>
    s
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'root';
  return `heatmap-${slug(siteKey)}-${slug(page)}-${mode}.${ext}`;
}

/** Offers `blob` as a download. */
export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
