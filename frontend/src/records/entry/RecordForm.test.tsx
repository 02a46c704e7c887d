import { fireEvent, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { FormDefinition } from '../../api/types';
import { renderWithProviders } from '../../test/render';
import { computeLive, initialData, missingRequired, payloadOf } from './liveRules';
import { RecordForm } from './RecordForm';

const def: FormDefinition = {
  key: 'order', name: 'Order',
  fields: [
    { key: 'status', type: 'select', label: 'Status', options: ['open', 'refunded'], default: 'open' },
    { key: 'items', type: 'subform', label: 'Items', fields: [
      { key: 'qty', type: 'number' }, { key: 'price', type: 'number' },
      { key: 'line_total', type: 'formula', expression: 'qty * price' },
    ] },
    { key: 'amount', type: 'formula', label: 'Amount', expression: 'SUM(items.line_total)', result: 'number' },
    { key: 'reason', type: 'textarea', label: 'Refund reason', visible_when: "status = 'refunded'", required_when: "status = 'refunded'" },
    { key: 'due', type: 'date', label: 'Due', default: { expression: 'DATE(2025, 1, 1) + 7' } },
  ],
};
const ctx = { tz: 'UTC' };

describe('live rules', () => {
  it('applies defaults, formulas in rows and totals, visibility and required-when', () => {
    const data: Record<string, unknown> = { ...initialData(def, ctx), items: [{ qty: 2, price: 3 }, { qty: 1, price: 4.5 }] };
    expect(data.status).toBe('open');
    expect(data.due).toBe('2025-01-08');
    let live = computeLive(def, data, ctx);
    expect((live.data.items as { line_total: number }[]).map((r) => r.line_total)).toEqual([6, 4.5]);
    expect(live.data.amount).toBe(10.5);
    expect(live.visible.reason).toBe(false);
    live = computeLive(def, { ...data, status: 'refunded' }, ctx);
    expect(live.visible.reason).toBe(true);
    expect(missingRequired(def, live)).toEqual(['reason']);
  });

  it('sends only user-entered fields', () => {
    const live = computeLive(def, { status: 'open', items: [{ qty: 1, price: 2 }] }, ctx);
    expect(payloadOf(def, live.data)).toEqual({ status: 'open', items: [{ qty: 1, price: 2 }], due: '2025-01-08' });
  });
});

describe('RecordForm', () => {
  it('shows server errors at their fields and hides fields by rule', () => {
    const onSubmit = vi.fn();
    renderWithProviders(
      <RecordForm definition={def} isNew evalContext={ctx} onSubmit={onSubmit}
        initial={{ status: 'open', items: [], amount: null }} serverErrors={{ status: ['Not allowed'] }} />,
    );
    expect(screen.getByText('Not allowed')).toBeTruthy();
    expect(screen.queryByText('Refund reason')).toBeNull();
    fireEvent.click(screen.getByTestId('record-submit'));
    expect(onSubmit).toHaveBeenCalledOnce();
  });

  it('blocks submit when a required-when field is empty', () => {
    const onSubmit = vi.fn();
    renderWithProviders(<RecordForm definition={def} isNew evalContext={ctx} onSubmit={onSubmit} initial={{ status: 'refunded', items: [] }} />);
    expect(screen.getByText('Refund reason')).toBeTruthy();
    fireEvent.click(screen.getByTestId('record-submit'));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(screen.getByText('Required')).toBeTruthy();
  });
});
