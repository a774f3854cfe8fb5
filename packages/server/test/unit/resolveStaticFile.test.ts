import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveStaticFile } from '../../src/static/resolveStaticFile.js';
import { makeTempDir } from '../support/tempDir.js';

describe('resolveStaticFile', () => {
  const temp = makeTempDir();
  const root = path.join(temp.dir, 'root');
  mkdirSync(path.join(root, 'sub'), { recursive: true });
  writeFileSync(path.join(root, 'a.js'), 'a');
  writeFileSync(path.join(root, 'sub', 'index.html'), 'i');
  writeFileSync(path.join(root, '.env'), 'secret');
  writeFileSync(path.join(temp.dir, 'outside.txt'), 'o');
  afterAll(() => temp.remove());

  it('finds files and directory indexes inside the root only', async () => {
    expect(await resolveStaticFile(root, '/a.js')).toBe('a.js');
    expect(await resolveStaticFile(root, 'sub/')).toBe(path.join('sub', 'index.html'));
    expect(await resolveStaticFile(root, '/sub')).toBe(path.join('sub', 'index.html'));
    for (const bad of [
      '/../outside.txt',
      '/..%2Foutside.txt',
      '/.env',
      '/%2e%2e/outside.txt',
      '/a.js%00',
      '/missing',
      '/%E0%A4%A',
      '/sub\\..\\a.js',
    ]) {
      expect(await resolveStaticFile(root, bad), bad).toBeUndefined();
    }
    expect(await resolveStaticFile(path.join(temp.dir, 'nope'), '/a.js')).toBeUndefined();
  });
});
