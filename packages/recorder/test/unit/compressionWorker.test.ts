import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  createWorkerEncoder,
  WORKER_ANSWER_TIMEOUT_MS,
  type WorkerLike,
} from '../../src/recorder/compressionWorker.js';
import type { EncodedBody } from '../../src/recorder/encodeBody.js';
import { FakeClock } from './support/fakes.js';

/** A worker that runs its program's job by hand: the test answers, fails or stays silent. */
class FakeWorker implements WorkerLike {
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  readonly posted: Array<{ id: number; json: string }> = [];
  terminated = false;
  postMessage(message: unknown): void {
    this.posted.push(message as { id: number; json: string });
  }
  terminate(): void {
    this.terminated = true;
  }
  /** Answers job `index` with real gzip bytes (as the worker's CompressionStream would). */
  async answer(index: number): Promise<void> {
    const { id, json } = this.posted[index]!;
    const stream = new Blob([json]).stream().pipeThrough(new CompressionStream('gzip'));
    const body = await new Response(stream).arrayBuffer();
    this.onmessage?.({ data: { id, body } });
  }
}

const mainThread = (json: string): Promise<EncodedBody> =>
  Promise.resolve({ body: `main:${json}`, bytes: json.length, gzip: false });

function setup(create: (source: string) => WorkerLike | null = () => new FakeWorker()) {
  const clock = new FakeClock();
  const errors: string[] = [];
  const sources: string[] = [];
  const workers: FakeWorker[] = [];
  const encoder = createWorkerEncoder({
    clock,
    onError: (error, where) => errors.push(`${where}: ${(error as Error).message}`),
    createWorker: (source) => {
      sources.push(source);
      const w = create(source);
      if (w instanceof FakeWorker) workers.push(w);
      return w;
    },
    fallback: mainThread,
  });
  return { clock, errors, sources, workers, encoder };
}

const text = (body: EncodedBody) =>
  typeof body.body === 'string' ? body.body : gunzipSync(body.body).toString('utf8');

describe('compression worker', () => {
  it('gzips in one worker, started on the first batch, and answers each batch with its own bytes', async () => {
    const { workers, sources, encoder } = setup();
    expect(sources).toHaveLength(0); // nothing before the first batch
    const a = encoder.encode('{"seq":0}');
    const b = encoder.encode('{"seq":1,"é":"😀"}');
    expect(sources).toHaveLength(1);
    const [w] = workers;
    expect(w!.posted.map((p) => p.json)).toEqual(['{"seq":0}', '{"seq":1,"é":"😀"}']);
    await w!.answer(1); // answers may come in any order
    await w!.answer(0);
    const [first, second] = await Promise.all([a, b]);
    expect(first).toMatchObject({ gzip: true });
    expect(text(first)).toBe('{"seq":0}');
    expect(text(second)).toBe('{"seq":1,"é":"😀"}');
    expect(second.bytes).toBe((second.body as Uint8Array).byteLength);
  });

  it('compresses on the main thread where no worker can start (no Worker, or a CSP refusing it)', async () => {
    const none = setup(() => null);
    expect(await none.encoder.encode('{"a":1}')).toEqual(await mainThread('{"a":1}'));
    expect(none.errors).toEqual([]);
    const refused = setup(() => {
      throw new Error('Refused to create a worker');
    });
    expect(await refused.encoder.encode('{"a":1}')).toEqual(await mainThread('{"a":1}'));
    expect(await refused.encoder.encode('{"a":2}')).toEqual(await mainThread('{"a":2}'));
    expect(refused.sources).toHaveLength(1); // not tried again
    expect(refused.errors).toEqual(['compression worker: Refused to create a worker']);
  });

  it('a worker that fails to run hands its waiting batches and all later ones to the main thread', async () => {
    const { workers, sources, errors, encoder } = setup();
    const waiting = encoder.encode('{"a":1}');
    workers[0]!.onerror?.({});
    expect(await waiting).toEqual(await mainThread('{"a":1}'));
    expect(await encoder.encode('{"a":2}')).toEqual(await mainThread('{"a":2}'));
    expect(workers[0]!.terminated).toBe(true);
    expect(sources).toHaveLength(1);
    expect(errors).toEqual(['compression worker: the compression worker failed to run']);
  });

  it(`a worker silent for ${WORKER_ANSWER_TIMEOUT_MS} ms is given up; a batch it could not compress goes to the main thread`, async () => {
    const { clock, workers, errors, encoder } = setup();
    const failed = encoder.encode('{"a":1}');
    workers[0]!.onmessage?.({ data: { id: workers[0]!.posted[0]!.id } }); // no bytes: it failed
    expect(await failed).toEqual(await mainThread('{"a":1}'));
    const silent = encoder.encode('{"a":2}');
    clock.advance(WORKER_ANSWER_TIMEOUT_MS - 1);
    expect(workers[0]!.terminated).toBe(false);
    clock.advance(1);
    expect(await silent).toEqual(await mainThread('{"a":2}'));
    expect(workers[0]!.terminated).toBe(true);
    expect(errors).toEqual(['compression worker: the compression worker did not answer']);
    // A late answer changes nothing.
    await workers[0]!.answer(1);
    expect(await encoder.encode('{"a":3}')).toEqual(await mainThread('{"a":3}'));
  });

  it('stop ends the worker; what waited is compressed on the main thread', async () => {
    const { workers, errors, encoder } = setup();
    const waiting = encoder.encode('{"a":1}');
    encoder.stop();
    expect(workers[0]!.terminated).toBe(true);
    expect(await waiting).toEqual(await mainThread('{"a":1}'));
    expect(errors).toEqual([]);
  });
});
