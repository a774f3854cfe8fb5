import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One file found under a directory, with its full bytes. */
export interface FileBytes {
  path: string;
  bytes: Buffer;
}

/** Every regular file under `dir`, recursively, with its bytes (symlinks are not followed). */
export async function readTreeBytes(dir: string): Promise<FileBytes[]> {
  const out: FileBytes[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await readTreeBytes(path)));
    else if (entry.isFile()) out.push({ path, bytes: await readFile(path) });
  }
  return out;
}
