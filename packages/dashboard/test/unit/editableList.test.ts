import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { type ActionOutcome, EditableList, type EditableListProps } from '../../src/components/EditableList';

interface Item {
  id: string;
  name: string;
  place: string;
}

const ITEMS: Item[] = [
  { id: 'a', name: 'Hetzner', place: 'DE' },
  { id: 'b', name: 'Postmark', place: 'US' },
];

/** An outcome at rest (no action running, nothing said): the hook needs a component to run in. */
const outcome = (busy = false): ActionOutcome => ({
  busy,
  message: null,
  ref: { current: null },
  show: () => undefined,
  clear: () => undefined,
  attempt: async () => true,
});

const render = (props: Partial<EditableListProps<Item>> = {}) =>
  renderToStaticMarkup(
    createElement(EditableList<Item>, {
      testId: 'thing',
      items: ITEMS,
      keyOf: (i) => i.id,
      nameOf: (i) => i.name,
      rowData: (i) => ({ 'data-name': i.name }),
      columns: [
        { header: 'Name', cell: (i) => i.name },
        { header: 'Place', cell: (i) => i.place },
      ],
      caption: 'Things',
      empty: createElement('p', null, 'Nothing yet.'),
      outcome: outcome(),
      onEdit: () => undefined,
      onRemove: async (i) => `Removed ${i.name}.`,
      form: {
        legend: 'Add a thing',
        submitLabel: 'Add thing',
        onSubmit: async () => 'Added.',
        children: null,
      },
      ...props,
    }),
  );

describe('the editable list', () => {
  it('lists each item in a row headed by its first column, with Edit and Remove named after it', () => {
    const html = render();
    expect(html).toContain('<caption>Things</caption>');
    expect(html.match(/data-testid="thing-row"/g)).toHaveLength(2);
    expect(html).toContain(
      'data-testid="thing-row" data-name="Hetzner"><th scope="row">Hetzner</th><td>DE</td>',
    );
    expect(html).toContain('aria-label="Edit Postmark"');
    expect(html).toContain('aria-label="Remove Postmark"');
    // Native buttons only (keyboard-operable without scripts of their own), none submitting the form by accident.
    expect(html.match(/<button type="button"/g)).toHaveLength(4);
    expect(html).toContain('<span class="visually-hidden">Actions</span>');
    // No confirmation until Remove is pressed.
    expect(html).not.toContain('thing-remove-confirm');
  });

  it('shows the empty note instead of a table, and the form with its legend and submit button', () => {
    const html = render({ items: [] });
    expect(html).not.toContain('<table');
    expect(html).toContain('<p>Nothing yet.</p>');
    expect(html).toContain('<legend>Add a thing</legend>');
    expect(html).toContain('data-testid="thing-save">Add thing</button>');
    expect(html).not.toContain('Cancel');
    expect(
      render({
        form: {
          legend: 'Edit',
          submitLabel: 'Save',
          onSubmit: async () => '',
          onCancel: () => undefined,
          children: null,
        },
      }),
    ).toContain('Cancel');
  });

  it('has no actions column without Edit or Remove, and disables saving while an action runs', () => {
    const html = render({ onEdit: undefined, onRemove: undefined, captionHidden: true });
    expect(html).not.toContain('Actions');
    expect(html).not.toContain('<button type="button"');
    expect(html).toContain('<caption class="visually-hidden">Things</caption>');
    expect(render({ outcome: outcome(true) })).toMatch(/data-testid="thing-save" disabled=""/);
  });
});
