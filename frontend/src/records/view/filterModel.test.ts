import { describe, expect, it } from 'vitest';
import type { FieldDef } from '../../api/types';
import { evaluate } from '../../rules';
import { filterExpression, type FilterState } from './filterModel';

const fields: FieldDef[] = [
  { key: 'name', type: 'text' },
  { key: 'amount', type: 'number' },
  { key: 'status', type: 'select', options: ['a', "it's"] },
  { key: 'paid', type: 'checkbox' },
];

describe('filterExpression', () => {
  it('joins groups and conditions and quotes text', () => {
    const state: FilterState = {
      mode: 'builder', combinator: 'or', raw: '',
      groups: [
        { id: 'g1', combinator: 'and', conditions: [
          { id: '1', field: 'amount', op: 'ge', value: 100 },
          { id: '2', field: 'status', op: 'in', value: ['a', "it's"] },
        ] },
        { id: 'g2', combinator: 'and', conditions: [{ id: '3', field: 'name', op: 'contains', value: 'Acme' }] },
      ],
    };
    const expr = filterExpression(state, fields);
    expect(expr).toBe(`((amount >= 100) and (status in ['a', "it's"])) or (CONTAINS(name, 'Acme'))`);
    const r = evaluate(expr, { amount: 150, status: "it's", name: 'x' });
    expect(r).toMatchObject({ ok: true, value: true });
  });

  it('skips incomplete conditions and uses raw text in raw mode', () => {
    expect(filterExpression({ mode: 'builder', combinator: 'and', raw: '', groups: [{ id: 'g', combinator: 'and', conditions: [{ id: '1', field: 'name', op: 'eq', value: '' }] }] }, fields)).toBe('');
    expect(filterExpression({ mode: 'raw', combinator: 'and', groups: [], raw: ' paid ' }, fields)).toBe('paid');
  });
});
