import {
  EventType,
  IncrementalSource,
  type IngestBatch,
  NodeType,
  type RecordedEvent,
  VeilCustomTag,
} from '@veil/core';

export const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);

export function metaEvent(timestamp: number, href: string, width = 1280, height = 800): RecordedEvent {
  return { type: EventType.Meta, timestamp, data: { href, width, height } };
}

export function pageViewEvent(timestamp: number, url: string, title?: string): RecordedEvent {
  return {
    type: EventType.Custom,
    timestamp,
    data: { tag: VeilCustomTag.PageView, payload: { url, title } },
  };
}

/** A minimal full snapshot whose body holds `text`. */
export function snapshotEvent(timestamp: number, text: string): RecordedEvent {
  return {
    type: EventType.FullSnapshot,
    timestamp,
    data: {
      node: {
        type: NodeType.Document,
        id: 1,
        childNodes: [
          {
            type: NodeType.Element,
            id: 2,
            tagName: 'html',
            attributes: {},
            childNodes: [
              {
                type: NodeType.Element,
                id: 3,
                tagName: 'body',
                attributes: {},
                childNodes: [{ type: NodeType.Text, id: 4, textContent: text }],
              },
            ],
          },
        ],
      },
      initialOffset: { left: 0, top: 0 },
    },
  };
}

export function moveEvent(timestamp: number, x = 10, y = 20): RecordedEvent {
  return {
    type: EventType.IncrementalSnapshot,
    timestamp,
    data: { source: IncrementalSource.MouseMove, positions: [{ x, y, id: 3, timeOffset: 0 }] },
  };
}

let counter = 0;
export function sessionId(): string {
  counter += 1;
  return `sess_${Date.now().toString(36)}_${counter}_${Math.random().toString(36).slice(2, 8)}`;
}

export function makeBatch(
  fields: Partial<IngestBatch> & Pick<IngestBatch, 'siteKey' | 'sessionId'>,
): IngestBatch {
  return {
    v: 1,
    seq: 0,
    sentAt: T0,
    // Registered for the test app's site by `startTestApp` (support/consent.ts).
    consentReceiptId: 'test_consent_receipt_0001',
    events: [metaEvent(T0, 'https://shop.example/'), moveEvent(T0 + 500)],
    ...fields,
  };
}
