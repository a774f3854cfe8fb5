import { EventType, IncrementalSource, NodeType, type RecordedEvent } from '@veil/core';

/** One form field of a test page (markup only; `value` is what the recorder sent for it). */
export interface TestField {
  name: string;
  label: string;
  type?: string;
  autocomplete?: string;
  /** The recorded value attribute (`********` when masked). @default none */
  value?: string;
  /** Recorded as blocked (rrweb keeps only the class and the size). */
  blocked?: boolean;
  className?: string;
}

type Node = Record<string, unknown>;

/**
 * A full snapshot of a page with one form (id `form`) holding `fields`, each in a `div` with its
 * `<label for>`, plus whatever `extra` nodes go after the form. Node ids count from 1.
 */
export function formSnapshotEvent(
  timestamp: number,
  fields: readonly TestField[],
  extra: Node[] = [],
): RecordedEvent {
  let id = 10;
  const fieldNodes: Node[] = fields.map((f) => {
    const input: Node = f.blocked
      ? {
          type: NodeType.Element,
          id: ++id,
          tagName: 'input',
          attributes: { class: f.className ?? '', rr_width: '200px', rr_height: '20px' },
          childNodes: [],
        }
      : {
          type: NodeType.Element,
          id: ++id,
          tagName: 'input',
          attributes: {
            id: f.name,
            name: f.name,
            type: f.type ?? 'text',
            ...(f.autocomplete ? { autocomplete: f.autocomplete } : {}),
            ...(f.value !== undefined ? { value: f.value } : {}),
            ...(f.className ? { class: f.className } : {}),
          },
          childNodes: [],
        };
    return {
      type: NodeType.Element,
      id: ++id,
      tagName: 'div',
      attributes: { class: 'field' },
      childNodes: [
        {
          type: NodeType.Element,
          id: ++id,
          tagName: 'label',
          attributes: { for: f.name },
          childNodes: [{ type: NodeType.Text, id: ++id, textContent: f.label }],
        },
        input,
      ],
    };
  });
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
              { type: NodeType.Element, id: 3, tagName: 'head', attributes: {}, childNodes: [] },
              {
                type: NodeType.Element,
                id: 4,
                tagName: 'body',
                attributes: {},
                childNodes: [
                  {
                    type: NodeType.Element,
                    id: 5,
                    tagName: 'form',
                    attributes: { id: 'form' },
                    childNodes: fieldNodes,
                  },
                  ...extra,
                ],
              },
            ],
          },
        ],
      },
      initialOffset: { left: 0, top: 0 },
    },
  };
}

/** What the recorder sends when the visitor types into node `id` (`text` as recorded). */
export function inputEvent(timestamp: number, id: number, text: string): RecordedEvent {
  return {
    type: EventType.IncrementalSnapshot,
    timestamp,
    data: { source: IncrementalSource.Input, id, text, isChecked: false },
  };
}
