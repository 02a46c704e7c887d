import { describe, expect, it, vi, afterEach } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App } from 'antd';
import { createMemoryRouter, RouterProvider } from 'react-router';
import type { FormDefinition } from '../api/types';
import { setupI18n } from '../i18n';
import { isOverdue, type Task } from './api';
import InboxPage from './InboxPage';
import { displayValue, taskFields } from './recordFields';
import { stubBrowserApis } from './testEnv';

stubBrowserApis();

const definition: FormDefinition = {
  key: 'expense', name: 'Expense',
  fields: [
    { key: 'title', type: 'text' }, { key: 'amount', type: 'number' },
    { key: 'secret', type: 'text' }, { key: 'sec', type: 'section' },
  ],
};
const base: Task = { id: 't1', status: 'open', created_at: '2025-01-01T00:00:00Z' };

describe('task field permissions', () => {
  it('shows every field when no list is given, editing none', () => {
    expect(taskFields(definition, base).map((f) => [f.field.key, f.editable])).toEqual([
      ['title', false], ['amount', false], ['secret', false],
    ]);
  });
  it('limits to the visible list and marks editable ones', () => {
    const task = { ...base, fields: { visible: ['title'], editable: ['amount'] } };
    expect(taskFields(definition, task).map((f) => [f.field.key, f.editable])).toEqual([['title', false], ['amount', true]]);
  });
  it('never edits a closed task', () => {
    const task = { ...base, status: 'done', fields: { editable: ['amount'] } };
    expect(taskFields(definition, task).every((f) => !f.editable)).toBe(true);
  });
  it('formats values and overdue', () => {
    expect(displayValue(['a', 'b'])).toBe('a, b');
    expect(displayValue({ name: 'Ann' })).toBe('Ann');
    expect(displayValue(null)).toBe('—');
    expect(isOverdue({ ...base, due_at: '2025-01-02T00:00:00Z' }, new Date('2025-01-03'))).toBe(true);
    expect(isOverdue({ ...base, due_at: '2025-01-02T00:00:00Z' }, new Date('2025-01-01'))).toBe(false);
  });
});

describe('InboxPage', () => {
  afterEach(() => vi.unstubAllGlobals());
  it('lists my open tasks in the chosen language', async () => {
    setupI18n('zh-CN');
    const fetchMock = vi.fn(async (url: string) => new Response(JSON.stringify(
      url.startsWith('/api/v1/tasks') ? { items: [{ ...base, title: '审批报销', kind: 'approval' }], next_cursor: null } : { items: [] },
    ), { status: 200 }));
    vi.stubGlobal('fetch', fetchMock);
    const router = createMemoryRouter([{ path: '/inbox', element: <InboxPage /> }], { initialEntries: ['/inbox'] });
    render(<QueryClientProvider client={new QueryClient()}><App><RouterProvider router={router} /></App></QueryClientProvider>);
    expect(await screen.findByText('审批报销')).toBeTruthy();
    expect(screen.getAllByText('审批').length).toBeGreaterThan(0);
    await waitFor(() => expect(String(fetchMock.mock.calls[0][0])).toContain('status=open'));
  });
});
