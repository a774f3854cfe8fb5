import { BUCKET_LEVEL_DAYS, bucketId, bucketOfId, bucketsCovering, type DeviceClass } from '@veil/core';
import type { DayOutcomeKey } from '../storage/heatmaps/HeatmapRepository.js';
import type { Store } from '../storage/Store.js';
import { ClickOutcomes, encodeOutcome } from './clickOutcomes.js';

/**
 * Range outcomes of click heatmaps (#17): the sum of the part outcomes (`clickOutcomes.ts`) of one
 * device class over the released days of an aligned bucket of 4, 16 or 64 days (the aggregate
 * buckets, `timeBuckets.ts`), stored beside the day outcomes (`heatmap_day_outcomes`, the
 * bucket's row, version -1).
 *
 * A sum of outcomes is itself an outcome (`ClickOutcomes.values`): adding it is adding the days it
 * was summed from, so an answer over a month adds a few range outcomes instead of 30 day outcomes,
 * and what it reads and adds is bounded by the page cells and elements seen, not by the days or
 * the clicks. Each range outcome names the days it summed and the version of each day it summed
 * them at (its lineage, taken from the day outcomes it was made of): it is used only while those
 * are exactly the bucket's released days of the query and their current versions. A write to a day
 * (its version bumped) or a day released or withheld since makes it stale, never wrong: the
 * bucket is then summed again from its four smaller buckets (and they from theirs, down to day
 * outcomes, decided from the rows when they are not current either) and stored for the next answer.
 * A value that does not parse is summed again the same way.
 *
 * Layout: a 4-byte tag, the number of days n (4 bytes), then n pairs of float64 (day, version) in
 * ascending day order, then the sum as an outcome (`encodeOutcome`, its own tag). Only sums of
 * whole numbers below 2^53 are stored (counts are), so that adding them in any grouping is exact.
 */

const RANGE_TAG = 0x6f637231;

/** The days and day versions a range outcome was summed from, ascending: `[day, version]`. */
type Lineage = Array<readonly [number, number]>;

/** A range outcome as stored: its lineage, then the sum. */
export function rangeOutcome(lineage: Lineage, sum: ClickOutcomes): Buffer | undefined {
  const values = sum.values();
  if (!values.every(Number.isSafeInteger)) return undefined;
  const days = [...lineage].sort((a, b) => a[0] - b[0]);
  const head = Buffer.alloc(8 + days.length * 16);
  head.writeUInt32LE(RANGE_TAG, 0);
  head.writeUInt32LE(days.length, 4);
  days.forEach(([day, version], i) => {
    head.writeDoubleLE(day, 8 + i * 16);
    head.writeDoubleLE(version, 16 + i * 16);
  });
  return Buffer.concat([head, encodeOutcome(values)]);
}

/** A stored range outcome's lineage and sum (still to be parsed by `ClickOutcomes.add`), or undefined. */
export function parseRangeOutcome(value: Uint8Array): { lineage: Lineage; sum: Uint8Array } | undefined {
  if (value.byteLength < 8) return undefined;
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  if (view.getUint32(0, true) !== RANGE_TAG) return undefined;
  const n = view.getUint32(4, true);
  if (n > BUCKET_LEVEL_DAYS[BUCKET_LEVEL_DAYS.length - 1]! || value.byteLength < 8 + n * 16) return undefined;
  const lineage: Lineage = [];
  for (let i = 0; i < n; i++)
    lineage.push([view.getFloat64(8 + i * 16, true), view.getFloat64(16 + i * 16, true)]);
  return { lineage, sum: value.subarray(8 + n * 16) };
}

/** Whether a lineage is exactly these days (ascending) at these current versions. */
function isCurrent(
  lineage: Lineage,
  days: readonly number[],
  versions: ReadonlyMap<number, number>,
): boolean {
  return (
    lineage.length === days.length &&
    days.every((day, i) => lineage[i]![0] === day && lineage[i]![1] === (versions.get(day) ?? 0))
  );
}

/** What a range or day's outcome is added to: the answer or a range being summed again. */
interface Sink {
  sum: ClickOutcomes;
  lineage: Lineage;
}

/** A part to decide from the rows: its day outcome is not stored, not current or does not parse. */
export interface MissingPart {
  day: number;
  device: DeviceClass;
}

export interface PartsQuery {
  devices: readonly DeviceClass[];
  fromDay: number;
  toDay: number;
  /** The released days of the range (`heatmapCohort.ts`). */
  released: readonly number[];
}

/**
 * The sum of the outcomes of the query's parts (released days × device classes): current range
 * outcomes of the buckets covering the range, the day outcomes of what they leave, and `decide`
 * for the parts with no current day outcome (each part's outcome, in order, decided from rows read
 * after the versions). Stale or missing range and day outcomes are stored again.
 */
export async function sumClickParts(
  store: Store,
  pageId: number,
  key: DayOutcomeKey,
  q: PartsQuery,
  decide: (parts: readonly MissingPart[]) => Promise<Buffer[]>,
): Promise<ClickOutcomes> {
  const released = new Set(q.released);
  const cover = bucketsCovering(q.fromDay, q.toDay);
  const answer: Sink = { sum: new ClickOutcomes(), lineage: [] };
  const again: Array<Sink & { bucket: number; device: DeviceClass; into: Sink }> = [];
  const days: Array<MissingPart & { into: Sink }> = [];
  /** Ranges to look up, largest first: a range's smaller ones are read only when it is not current. */
  let ranges: Array<{ bucket: number; device: DeviceClass; into: Sink; days: number[] }> = [];
  const plan = (bucket: number, device: DeviceClass, into: Sink): void => {
    const { level, startDay, days: size } = bucketOfId(bucket);
    const mine: number[] = [];
    for (let d = startDay; d < startDay + size; d++) if (released.has(d)) mine.push(d);
    if (mine.length === 0) return;
    if (level === 0) days.push({ day: startDay, device, into });
    else ranges.push({ bucket, device, into, days: mine });
  };
  for (const bucket of cover) for (const device of q.devices) plan(bucket, device, answer);
  // The versions are read before any row a part is decided from: an outcome is never stored under
  // a version newer than its rows (a write in between leaves it stale, never wrong).
  const [versions, firstStored] = await Promise.all([
    store.heatmaps.dayVersions(pageId, q.released),
    store.heatmaps.rangeOutcomes(pageId, key, q.devices, [...new Set(ranges.map((r) => r.bucket))]),
  ]);
  let stored: Map<string, Buffer> | undefined = firstStored;
  while (ranges.length > 0) {
    stored ??= await store.heatmaps.rangeOutcomes(pageId, key, q.devices, [
      ...new Set(ranges.map((r) => r.bucket)),
    ]);
    const looked = ranges;
    ranges = [];
    for (const { bucket, device, into, days: mine } of looked) {
      const value = stored.get(`${bucket}\u0000${device}`);
      const range = value === undefined ? undefined : parseRangeOutcome(value);
      if (range && isCurrent(range.lineage, mine, versions) && into.sum.add(range.sum)) {
        into.lineage.push(...range.lineage);
        continue;
      }
      const sink = { bucket, device, into, sum: new ClickOutcomes(), lineage: [] };
      again.push(sink);
      const { level, startDay, days: size } = bucketOfId(bucket);
      const child = BUCKET_LEVEL_DAYS[level - 1]!;
      for (let d = startDay; d < startDay + size; d += child) plan(bucketId(level - 1, d), device, sink);
    }
    stored = undefined;
  }

  if (days.length > 0) {
    const dayOutcomes = await store.heatmaps.dayOutcomes(pageId, key, q.devices, [
      ...new Set(days.map((d) => d.day)),
    ]);
    const missing = days.filter(({ day, device, into }) => {
      const o = dayOutcomes.get(`${day}\u0000${device}`);
      if (o === undefined || !into.sum.add(o.outcome)) return true;
      into.lineage.push([day, o.version]);
      return false;
    });
    if (missing.length > 0) {
      const decided = await decide(missing.map(({ day, device }) => ({ day, device })));
      const put = missing.map(({ day, device, into }, i) => {
        const outcome = decided[i];
        // An outcome this code wrote and cannot read back is a bug: fail closed, answer nothing.
        if (outcome === undefined || !into.sum.add(outcome))
          throw new Error('heatmap: a decided click outcome does not parse');
        const version = versions.get(day) ?? 0;
        into.lineage.push([day, version]);
        return { day, device, version, outcome };
      });
      await store.heatmaps.putDayOutcomes(pageId, key, put);
    }
  }
  // Smallest first: a range summed again was looked up before the ranges inside it.
  const put: Array<{ bucket: number; device: DeviceClass; outcome: Buffer }> = [];
  for (let i = again.length - 1; i >= 0; i--) {
    const range = again[i]!;
    range.into.sum.merge(range.sum);
    range.into.lineage.push(...range.lineage);
    const outcome = rangeOutcome(range.lineage, range.sum);
    if (outcome) put.push({ bucket: range.bucket, device: range.device, outcome });
  }
  await store.heatmaps.putRangeOutcomes(pageId, key, put);
  return answer.sum;
}
