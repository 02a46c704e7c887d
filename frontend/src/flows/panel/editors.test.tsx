import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import type { FormInfo } from '../../api/types';
import { setupI18n } from '../../i18n';
import { stubBrowserApis } from '../../inbox/testEnv';
import { defaultNode } from '../catalog';
import type { FlowEdge, FlowNode } from '../types';
import { FlowContext } from './context';
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
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const orders: FormInfo = { id: 'f2', key: 'order', version: 1, definition: { key: 'order', name: 'Order', fields: [
  { key: 'amount', type: 'number', label: 'Amount' }, { key: 'customer', type: 'relation', target: 'customer', label: 'Customer' },
] } };

/** A node editor inside a graph, keeping the latest node it produced. */
function editInGraph(node: FlowNode, nodes: FlowNode[], edges: FlowEdge[]) {
  vi.stubGlobal('fetch', vi.fn(async () => new Response('{"items": []}')));
  const state = { node, calls: 0 };
  const view = (n: FlowNode) => wrap(
    <FlowContext.Provider value={{ nodes: nodes.map((x) => (x.id === n.id ? n : x)), edges }}>
      <NodeEditor node={n} fields={forms[0].definition.fields} forms={[...forms, orders]}
        onChange={(next) => { state.node = next; state.calls += 1; rerender(view(next)); }} />
    </FlowContext.Provider>,
  );
  const { rerender } = render(view(node));
  return state;
}

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

  it('edits a bilingual message body one language at a time, keeping the other', () => {
    const msg: FlowNode = { id: 'sms', type: 'send_message', channel: 'sms', to: '{{record.phone}}',
      body: { zh: '{{record.name}}，生日快乐', en: 'Happy birthday, {{record.name}}' } };
    const state = editInGraph(msg, [msg], [{ from: 'trigger', to: 'sms' }]);
    expect(screen.getByTestId('message-body-per-language').getAttribute('aria-checked')).toBe('true');
    expect((screen.getByTestId('message-body-en') as HTMLTextAreaElement).value).toBe('Happy birthday, {{record.name}}');
    fireEvent.change(screen.getByTestId('message-body-en'), { target: { value: 'Many happy returns, {{record.name}}' } });
    expect(state.node.body).toEqual({ zh: '{{record.name}}，生日快乐', en: 'Many happy returns, {{record.name}}' });
    fireEvent.click(screen.getByTestId('message-body-tab-zh'));
    fireEvent.change(screen.getByTestId('message-body-zh'), { target: { value: '' } });
    expect(state.node.body).toEqual({ en: 'Many happy returns, {{record.name}}' });
    expect(screen.getByText('Chinese (empty)')).toBeTruthy();
  });

  it('turns one message text into per-language texts and back', () => {
    const msg: FlowNode = { id: 'm', type: 'send_message', channel: 'inapp', to: { field: 'owner' }, body: 'Hello', subject: 'Hi' };
    const state = editInGraph(msg, [msg], []);
    fireEvent.click(screen.getByTestId('message-body-per-language'));
    expect(state.node.body).toEqual({ en: 'Hello' });
    fireEvent.change(screen.getByTestId('message-body-en'), { target: { value: 'Hello again' } });
    fireEvent.click(screen.getByTestId('message-body-per-language'));
    expect(state.node.body).toBe('Hello again');
    fireEvent.click(screen.getByTestId('message-subject-per-language'));
    fireEvent.change(screen.getByTestId('message-subject-en'), { target: { value: '' } });
    expect('subject' in state.node).toBe(false);
  });

  it('switches an update to one record per row of an earlier query and edits it', () => {
    const find: FlowNode = { id: 'find', type: 'query_records', form: 'order', filter: 'amount > 100' };
    const bulk: FlowNode = { id: 'bulk', type: 'update_record', target: 'record', set: { name: "'x'" } };
    const state = editInGraph(bulk, [find, bulk], [{ from: 'trigger', to: 'find' }, { from: 'find', to: 'bulk' }]);
    fireEvent.click(screen.getByText('One record per row of an earlier step'));
    expect(state.node).toEqual({ id: 'bulk', type: 'update_record', set: { name: "'x'" }, for_each: 'steps.find.items' });
    expect(screen.getByText(/Row columns: item\.id, item\.amount, item\.customer/)).toBeTruthy();
    fireEvent.change(screen.getByTestId('for-each-record-id'), { target: { value: 'item.customer' } });
    expect(state.node.record_id).toBe('item.customer');
    fireEvent.change(screen.getByTestId('for-each-record-id'), { target: { value: '' } });
    expect('record_id' in state.node).toBe(false);
    fireEvent.change(screen.getByTestId('record-set-value-0'), { target: { value: 'item.amount * 2' } });
    expect(state.node.set).toEqual({ name: 'item.amount * 2' });
    expect(screen.queryByTestId('rule-error')).toBeNull();
    fireEvent.click(screen.getByText('The trigger record'));
    expect(state.node).toEqual({ id: 'bulk', type: 'update_record', set: { name: 'item.amount * 2' }, target: 'record' });
  });

  it('flags unknown names in a step expression but accepts the flow roots', () => {
    const cond: FlowNode = { id: 'c', type: 'condition', expression: 'record.name = steps.x.value and vars.y' };
    editInGraph(cond, [cond], []);
    expect(screen.queryByTestId('rule-error')).toBeNull();
    cleanup();
    editInGraph({ ...cond, expression: 'nosuch > 1' }, [cond], []);
    expect(screen.getByTestId('rule-error').textContent).toMatch(/nosuch/);
  });

  it('edits an http body as JSON fields, the signing secret and the error policy', () => {
    const http: FlowNode = { id: 'h', type: 'http_request', url: 'https://example.com/hook', body: { id: '{{record.id}}', n: 3 } };
    const state = editInGraph(http, [http], []);
    expect(screen.getByDisplayValue('3')).toBeTruthy();
    fireEvent.change(screen.getByTestId('http-secret'), { target: { value: 's3cret' } });
    expect(state.node.secret).toBe('s3cret');
    fireEvent.click(screen.getByText('Text'));
    expect(state.node.body).toBe('{"id":"{{record.id}}","n":3}');
    fireEvent.click(screen.getByText('No body'));
    expect('body' in state.node).toBe(false);
  });

  it('edits the end status, a task reminder and an approval send-back target', () => {
    const end = editInGraph(defaultNode('end', 'stop'), [], []);
    fireEvent.click(screen.getByText('Cancelled'));
    expect(end.node.status).toBe('cancelled');
    cleanup();
    const task = editInGraph({ id: 't', type: 'create_task', title: 'Call', assignee: { field: 'owner' } }, [], []);
    fireEvent.click(screen.getByTestId('task-remind-on'));
    expect(task.node.remind).toBe('1d');
    fireEvent.click(screen.getByTestId('task-wait'));
    expect(task.node.wait).toBe(true);
    cleanup();
    const first: FlowNode = { id: 'draft', type: 'create_task', title: 'Draft', assignee: { field: 'owner' } };
    const approval: FlowNode = { id: 'ok', type: 'approval', title: 'Approve', assignees: { role: 'admin' } };
    const ap = editInGraph(approval, [first, approval], [{ from: 'trigger', to: 'draft' }, { from: 'draft', to: 'ok' }]);
    fireEvent.mouseDown(screen.getByTestId('send-back-to').querySelector('.ant-select-selector') ?? screen.getByTestId('send-back-to'));
    fireEvent.click(screen.getByText('Create task (draft)'));
    expect(ap.node.send_back_to).toBe('draft');
  });

  it('waits for a record update event with a timeout', () => {
    const state = editInGraph(defaultNode('wait_until', 'w'), [], []);
    fireEvent.click(screen.getByText('An event'));
    expect(state.node).toEqual({ id: 'w', type: 'wait_until', event: { form: 'customer' }, timeout: '7d' });
    fireEvent.click(screen.getByText('A record is updated'));
    expect(state.node.event).toEqual({ form: 'customer', on: 'record.updated' });
    fireEvent.click(screen.getByTestId('wait-timeout-on'));
    expect('timeout' in state.node).toBe(false);
  });

  it('names a step in both languages', () => {
    const state = editInGraph(defaultNode('wait', 'w'), [], []);
    fireEvent.change(screen.getByTestId('node-name-en'), { target: { value: 'Cool down' } });
    expect(state.node.name).toEqual({ en: 'Cool down' });
    fireEvent.change(screen.getByTestId('node-name-en'), { target: { value: '' } });
    expect('name' in state.node).toBe(false);
  });
});
