import { act, renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { emptyDefinition } from '../../forms/model';
import { errorsByField } from './saveDefinition';
import { useDesigner } from './designerState';

describe('designer state', () => {
  it('adds, moves into a subform, undoes and redoes', () => {
    const { result } = renderHook(() => useDesigner(emptyDefinition('order', 'Order')));
    act(() => result.current.dispatch({ type: 'add', fieldType: 'text', index: 0, label: 'Text' }));
    act(() => result.current.dispatch({ type: 'add', fieldType: 'subform', index: 1, label: 'Items' }));
    act(() => result.current.dispatch({ type: 'add', fieldType: 'number', index: 2, label: 'Qty' }));
    expect(result.current.definition.fields.map((f) => f.key)).toEqual(['text_1', 'subform_1', 'number_1']);
    expect(result.current.selected).toEqual({ key: 'number_1', parent: undefined });
    act(() => result.current.dispatch({ type: 'move', from: { key: 'number_1' }, toIndex: 0, toParent: 'subform_1' }));
    expect(result.current.definition.fields.map((f) => f.key)).toEqual(['text_1', 'subform_1']);
    expect(result.current.definition.fields[1].fields?.map((f) => f.key)).toEqual(['number_1']);
    act(() => result.current.undo());
    expect(result.current.definition.fields.map((f) => f.key)).toEqual(['text_1', 'subform_1', 'number_1']);
    act(() => result.current.redo());
    expect(result.current.definition.fields[1].fields).toHaveLength(1);
  });

  it('merges typing into one undo step', () => {
    const { result } = renderHook(() => useDesigner(emptyDefinition('f', 'F')));
    act(() => result.current.dispatch({ type: 'add', fieldType: 'text', index: 0, label: 'A' }));
    for (const label of ['N', 'Na', 'Nam', 'Name']) {
      act(() => result.current.dispatch({ type: 'update', ref: { key: 'text_1' }, patch: { label } }, 'text_1:label'));
    }
    expect(result.current.definition.fields[0].label).toBe('Name');
    act(() => result.current.undo());
    expect(result.current.definition.fields[0].label).toBe('A');
  });

  it('maps JSON pointers of definition errors to fields', () => {
    const def = { ...emptyDefinition('f', 'F'), fields: [{ key: 'a', type: 'text' as const }, { key: 'items', type: 'subform' as const, fields: [{ key: 'qty', type: 'number' as const }] }] };
    expect(errorsByField(def, { '/fields/1/fields/0/min': ['bad'], '/fields/0': ['x'], '/name': ['y'] }))
      .toEqual({ 'items.qty': ['min: bad'], a: ['x'], '/name': ['y'] });
  });
});
