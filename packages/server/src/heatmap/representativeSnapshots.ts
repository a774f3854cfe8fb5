import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import {
  type CaptureMode,
  type DeviceClass,
  deviceClassForWidth,
  EventType,
  HeatmapTag,
  isTextFree,
  type ParsedHeatmapEvent,
  pagePattern,
  type RecordedEvent,
  type SerializedNodeLike,
  textFreeSnapshot,
  urlPath,
} from '@veil/core';
import type { EnvelopeCipher } from '../crypto/EnvelopeCipher.js';
import type { SnapshotRecord } from '../storage/heatmaps/HeatmapRepository.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** A page's representative snapshot is replaced by a newer one once it is this old. */
export const SNAPSHOT_REFRESH_MS = 24 * 60 * 60 * 1000;
/** Larger snapshots (as JSON) are not kept as representative. */
export const MAX_SNAPSHOT_JSON_BYTES = 8 * 1024 * 1024;

export interface SnapshotCandidate {
  pattern: string;
  device: DeviceClass;
  width: number;
  height: number;
  source: CaptureMode;
  node: SerializedNodeLike;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/**
 * Layouts a batch offers as its pages' representative snapshots, one per page pattern and device
 * class: the heatmap-only layout event, or (in a replay) each full snapshot with the page and
 * viewport of the Meta event before it. Each is made text-free here, whatever the browser did.
 */
export function snapshotCandidates(
  events: readonly RecordedEvent[],
  heatmapEvents: readonly ParsedHeatmapEvent[],
  pagePatterns: readonly string[],
): SnapshotCandidate[] {
  const found = new Map<string, SnapshotCandidate>();
  const add = (c: SnapshotCandidate) => found.set(`${c.pattern}\u0000${c.device}`, c);
  for (const e of heatmapEvents) {
    if (e.tag !== HeatmapTag.Layout) continue;
    const { path, vw, dw, dh, node } = e.payload;
    add({
      pattern: pagePattern(path, pagePatterns),
      device: deviceClassForWidth(vw),
      width: Math.max(vw, dw),
      height: dh,
      source: 'heatmap',
      node: textFreeSnapshot(node),
    });
  }
  let meta: { href: string; width: number; height: number } | null = null;
  for (const e of events) {
    const data = e.data;
    if (!isRecord(data)) continue;
    if (e.type === EventType.Meta && typeof data.href === 'string') {
      const width = typeof data.width === 'number' ? data.width : 0;
      const height = typeof data.height === 'number' ? data.height : 0;
      meta = { href: data.href, width, height };
    } else if (e.type === EventType.FullSnapshot && meta && meta.width > 0 && isRecord(data.node)) {
      const path = urlPath(meta.href);
      if (path === '') continue;
      add({
        pattern: pagePattern(path, pagePatterns),
        device: deviceClassForWidth(meta.width),
        width: meta.width,
        height: meta.height,
        source: 'replay',
        node: textFreeSnapshot(data.node as SerializedNodeLike),
      });
    }
  }
  return [...found.values()].filter((c) => isTextFree(c.node));
}

/**
 * Seals a snapshot like a chunk: its own random data key, wrapped by the master key, AES-256-GCM.
 * The snapshot id (`heatmap-snapshot:` + a UUID, never a valid session id) takes the session id's
 * place in the associated data, so a sealed snapshot opens only as itself.
 */
export async function sealSnapshot(
  cipher: EnvelopeCipher,
  candidate: SnapshotCandidate,
  capturedAt: number,
): Promise<SnapshotRecord | null> {
  const json = Buffer.from(JSON.stringify(candidate.node), 'utf8');
  if (json.length > MAX_SNAPSHOT_JSON_BYTES) return null;
  const snapshotId = `heatmap-snapshot:${randomUUID()}`;
  const { wrappedKey, masterKeyId } = cipher.newWrappedDataKey(snapshotId);
  const dataKey = cipher.unwrapDataKey(snapshotId, wrappedKey);
  try {
    const payload = cipher.sealChunk(dataKey, snapshotId, 0, await gzipAsync(json));
    return {
      capturedAt,
      source: candidate.source,
      width: candidate.width,
      height: candidate.height,
      snapshotId,
      wrappedKey,
      masterKeyId,
      payload,
    };
  } finally {
    dataKey.fill(0);
  }
}

export async function openSnapshot(
  cipher: EnvelopeCipher,
  record: SnapshotRecord,
): Promise<SerializedNodeLike> {
  const dataKey = cipher.unwrapDataKey(record.snapshotId, record.wrappedKey);
  try {
    const json = await gunzipAsync(cipher.openChunk(dataKey, record.snapshotId, 0, record.payload));
    return JSON.parse(json.toString('utf8')) as SerializedNodeLike;
  } finally {
    dataKey.fill(0);
  }
}
