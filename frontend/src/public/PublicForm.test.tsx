import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setupPublicI18n } from './i18n';
import { PublicForm } from './PublicForm';

const description = {
  form: {
    key: 'signup', name: { en: 'Event sign-up', zh: '活动报名' },
    fields: [
      { key: 'name', type: 'text', label: { en: 'Name' }, required: true },
      { key: 'guests', type: 'number', label: { en: 'Guests' } },
      { key: 'diet', type: 'text', label: { en: 'Diet' }, visible_when: 'guests > 0' },
    ],
  },
  settings: { honeypot: 'website', accepting: true },
};

function mockFetch(handler: (url: string, init?: RequestInit) => { status: number; body: unknown }) {
  vi.stubGlobal('fetch', vi.fn(async (url: string, init?: RequestInit) => {
    const { status, body } = handler(url, init);
    return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  }));
}

describe('PublicForm', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('shows a rule-driven field, checks required, submits and thanks', async () => {
    setupPublicI18n();
    const posts: unknown[] = [];
    mockFetch((_url, init) => {
      if (init?.method === 'POST') { posts.push(JSON.parse(String(init.body))); return { status: 201, body: { id: 'r1' } }; }
      return { status: 200, body: description };
    });
    render(<PublicForm token="tok" />);
    await screen.findByText('Event sign-up');
    expect(screen.queryByText('Diet')).toBeNull();
    fireEvent.change(document.getElementById('pf-guests')!, { target: { value: '2' } });
    expect(screen.getByText('Diet')).toBeTruthy();
    fireEvent.click(screen.getByTestId('public-submit'));
    expect(await screen.findByText('Please check the highlighted answers.')).toBeTruthy();
    fireEvent.change(document.getElementById('pf-name')!, { target: { value: 'Ada' } });
    fireEvent.click(screen.getByTestId('public-submit'));
    await screen.findByTestId('public-thanks');
    expect(posts).toEqual([{ data: { name: 'Ada', guests: 2 } }]);
  });

  it('shows server field errors and rate limiting in plain words', async () => {
    setupPublicI18n();
    let n = 0;
    mockFetch((_url, init) => {
      if (init?.method !== 'POST') return { status: 200, body: description };
      n += 1;
      return n === 1
        ? { status: 422, body: { error: { code: 'validation_failed', message: 'bad', details: { fields: { name: ['Too short'] } } } } }
        : { status: 429, body: { error: { code: 'rate_limited', message: 'slow down' } } };
    });
    render(<PublicForm token="tok" />);
    await screen.findByText('Event sign-up');
    fireEvent.change(document.getElementById('pf-name')!, { target: { value: 'A' } });
    fireEvent.click(screen.getByTestId('public-submit'));
    expect(await screen.findByText('Too short')).toBeTruthy();
    fireEvent.click(screen.getByTestId('public-submit'));
    await waitFor(() => expect(screen.getByText(/Too many submissions/)).toBeTruthy());
  });
});
