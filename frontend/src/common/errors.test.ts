import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { antdFieldErrors, fieldPathToName } from './errors';
import { keyFromName } from './keys';
import { labelText } from './label';

describe('field error paths', () => {
  it('splits record paths and JSON pointers', () => {
    expect(fieldPathToName('items[2].qty')).toEqual(['items', 2, 'qty']);
    expect(fieldPathToName('/fields/3/options')).toEqual(['fields', 3, 'options']);
    expect(fieldPathToName('amount')).toEqual(['amount']);
  });

  it('keeps only known fields', () => {
    const err = new ApiError(422, {
      code: 'validation_failed', message: 'bad',
      details: { fields: { email: ['taken'], other: ['x'] } },
    });
    expect(antdFieldErrors(err, ['email'])).toEqual([{ name: ['email'], errors: ['taken'] }]);
  });
});

describe('labels and keys', () => {
  it('picks the label for the language', () => {
    expect(labelText({ zh: '订单', en: 'Order' }, 'zh-CN')).toBe('订单');
    expect(labelText({ zh: '订单' }, 'en')).toBe('订单');
    expect(labelText('x', 'en')).toBe('x');
  });
  it('derives keys from names', () => {
    expect(keyFromName('Order Items')).toBe('order_items');
    expect(keyFromName('订单', 'form')).toBe('form');
    expect(keyFromName('a', 'f', ['a'])).toBe('a_2');
  });
});
