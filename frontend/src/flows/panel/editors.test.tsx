import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import type { FormInfo } from '../../api/types';
import { setupI18n } from '../../i18n';
import { stubBrowserApis } from '../../inbox/testEnv';
import { defaultNode } from '../catalog';
import type { FlowNode } from '../types';
import { parseDuration } from './inputs';
import { NodeEditor } from './NodeEditor';

const forms: FormInfo[] = [{ id: 'f1', key: 'customer', version: 1, definition: { key: 'customer', name: 'Customer', fields: [
  { key: 'name', type: 'text', label: { en: 'Name', zh: '姓名' } }, { key: 'owner', type: 'user', label: 'Owner' },
] } }];

function wrap(children: ReactNode) {
  return <QueryClientProvider client={new QueryClient()}>{children}</QueryClientProvider>;
}

beforeAll(() => {
  stubBrowserApis();
  setupI18n('en');
});
afterEach(() => vi.unstubAllGlobals());

describe('node editors', () => {
  it('parses durations', () => {
    expect(parseDuration('30m')).toEqual({ amount: 30, unit: 'm' });
    expect(parseDuration('-3d')).toEqual({ amount: -3, unit: 'd' });
    expect(parseDuration('junk')).toEqual({ amount: 1, unit: 'd' });
  });

  it('edits a message body as a template', () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('{"items": []}')));
    const onChange = vi.fn();
    render(wrap(<NodeEditor node={defaultNode('send_message', 'msg')} fields={forms[0].definition.fields} forms={forms} onChange={onChange} />));
    fireEvent.change(screen.getByTestId('message-body'), { target: { value: 'Hello {{record.name}}' } });
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ id: 'msg', body: 'Hello {{record.name}}', channel: 'inapp' }));
    expect(screen.getByText('In-app')).toBeTruthy();
  });

  it('edits a condition expression and a wait duration', () => {
    let node: FlowNode = defaultNode('condition', 'c');
    const { unmount } = render(wrap(<NodeEditor node={node} fields={[]} forms={forms} onChange={(n) => { node = n; }} />));
    fireEvent.change(screen.getByTestId('condition-expression'), { target: { value: 'record.amount > 10' } });
    expect(node.expression).toBe('record.amount > 10');
    unmount();
    let wait: FlowNode = defaultNode('wait', 'w');
    render(wrap(<NodeEditor node={wait} fields={[]} forms={forms} onChange={(n) => { wait = n; }} />));
    fireEvent.change(screen.getByTestId('wait-duration'), { target: { value: '3' } });
    fireEvent.blur(screen.getByTestId('wait-duration'));
    expect(wait.duration).toBe('3d');
  });

  it('edits approvers given as one object or a list', () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('{"items": []}')));
    let node: FlowNode = { id: 'ok', type: 'approval', title: 'Approve', assignees: { role: 'admin' } };
    render(wrap(<NodeEditor node={node} fields={forms[0].definition.fields} forms={forms} onChange={(n) => { node = n; }} />));
    fireEvent.click(screen.getByText('Add approver'));
    expect(node.assignees).toEqual([{ role: 'admin' }, { role: 'admin' }]);
  });
});
