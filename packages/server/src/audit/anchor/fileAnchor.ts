import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import { auditAnchorLine } from '@veil/core';
import type { CheckpointAnchor } from './CheckpointAnchor.js';

/**
 * Appends one JSON line per checkpoint to `file` (created mode 0600) and syncs it to disk before
 * resolving. Put the file on other storage than the database: another volume, an NFS share, a
 * WORM bucket mounted as a file system.
 */
export function fileAnchor(file: string): CheckpointAnchor {
  return {
    description: `file ${file}`,
    async write(checkpoint) {
      await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      const handle = await open(file, 'a', 0o600);
      try {
        await handle.appendFile(`${auditAnchorLine(checkpoint)}\n`, 'utf8');
        await handle.datasync();
      } finally {
        await handle.close();
      }
    },
    close: async () => undefined,
  };
}
