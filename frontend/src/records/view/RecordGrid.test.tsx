import { screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { FieldDef, RecordItem } from '../../api/types';
import { renderWithProviders } from '../../test/render';
import { RecordGrid } from './RecordGrid';

const fields: FieldDef[] = [{ key: 'name', type: 'text', label: 'Name' }, { key: 'amount', type: 'number', label: 'Amount' }];

function rows(n: number): RecordItem[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `r${i}`, form_id: 'f', version: 1, created_at: '', updated_at: '', created_by: null,
    data: { name: `Customer ${i}`, amount: i },
  }));
}

describe('RecordGrid', () => {
  it('renders only a window of 100,000 rows', () => {
    // jsdom has no layout: give the scroll container a height so the virtualizer has a window
    vi.spyOn(Element.prototype, 'clientHeight', 'get').mockReturnValue(600);
    vi.spyOn(Element.prototype, 'clientWidth', 'get').mockReturnValue(1000);
    const onLoadMore = vi.fn();
    renderWithProviders(
      <RecordGrid fields={fields} rows={rows(100_000)} columnOrder={['name', 'amount']} hidden={[]} widths={{}} sort={null}
        selected={new Set()} loading={false} hasMore={false} display={{ yes: 'Yes', no: 'No' }} editing={null}
        onLoadMore={onLoadMore} onSort={() => {}} onWidths={() => {}} onOrder={() => {}} onSelect={() => {}}
        onOpen={() => {}} onEdit={() => {}} onCommit={() => {}} />,
    );
    const rendered = document.querySelectorAll('[data-record-id]').length;
    expect(rendered).toBeGreaterThan(0);
    expect(rendered).toBeLessThan(100);
    expect(screen.getByText('Customer 0')).toBeTruthy();
    expect(screen.getByTestId('record-grid').getAttribute('aria-rowcount')).toBe('100000');
    vi.restoreAllMocks();
  });
});
