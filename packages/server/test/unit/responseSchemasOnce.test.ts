import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  attentionHeatmapSchema,
  clickHeatmapSchema,
  heatmapPagesSchema,
  heatmapSnapshotSchema,
  scrollHeatmapSchema,
} from '@veil/core';
import { describe, expect, it } from 'vitest';
import * as server from '../../src/heatmap/heatmapApiSchemas.js';

const core = {
  heatmapPagesSchema,
  clickHeatmapSchema,
  scrollHeatmapSchema,
  attentionHeatmapSchema,
  heatmapSnapshotSchema,
};

/**
 * Response schemas live once, in @veil/core: the server declares its routes with them and the
 * dashboard decodes with the very same objects, so the two cannot drift apart again.
 */
const HEATMAP_RESPONSES = [
  'heatmapPagesSchema',
  'clickHeatmapSchema',
  'scrollHeatmapSchema',
  'attentionHeatmapSchema',
  'heatmapSnapshotSchema',
] as const;

describe('heatmap response schemas', () => {
  it('are the core objects on the server', () => {
    expect(server.heatmapPagesSchema).toBe(core.heatmapPagesSchema);
    expect(server.clickHeatmapSchema).toBe(core.clickHeatmapSchema);
    expect(server.scrollHeatmapSchema).toBe(core.scrollHeatmapSchema);
    expect(server.attentionHeatmapSchema).toBe(core.attentionHeatmapSchema);
    expect(server.heatmapSnapshotSchema).toBe(core.heatmapSnapshotSchema);
  });

  it('are imported, not redeclared, by the dashboard', () => {
    const source = readFileSync(
      fileURLToPath(new URL('../../../dashboard/src/heatmaps/heatmapApi.ts', import.meta.url)),
      'utf8',
    );
    expect(source).not.toMatch(/\bz\.object\(/);
    for (const name of HEATMAP_RESPONSES) expect(source, name).toContain(`decoder(${name})`);
  });
});
