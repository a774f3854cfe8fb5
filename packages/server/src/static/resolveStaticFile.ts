import { stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * The file `urlPath` names inside `root`, as a path relative to `root`, or `undefined` when it does
 * not exist, is not a regular file, lies outside `root` or has a dot-segment (`.env`, `..`).
 * A directory yields its `index.html`.
 */
export async function resolveStaticFile(root: string, urlPath: string): Promise<string | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s.startsWith('.'))) return undefined;
  const absoluteRoot = path.resolve(root);
  let candidate = path.resolve(absoluteRoot, ...segments);
  if (candidate !== absoluteRoot && !candidate.startsWith(absoluteRoot + path.sep)) return undefined;
  try {
    let info = await stat(candidate);
    if (info.isDirectory()) {
      candidate = path.join(candidate, 'index.html');
      info = await stat(candidate);
    }
    if (!info.isFile()) return undefined;
  } catch {
    return undefined;
  }
  return path.relative(absoluteRoot, candidate);
}

/** The request path without its query string. */
export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}
