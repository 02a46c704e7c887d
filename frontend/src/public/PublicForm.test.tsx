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

describe('PublicForm with a PUBLIC_LINK() address and file questions', () => {
  afterEach(() => { vi.unstubAllGlobals(); window.history.replaceState({}, '', '/'); });

  const survey = {
    form: {
      key: 'survey', name: { en: 'How did we do?' },
      fields: [
        { key: 'store', type: 'text', label: { en: 'Store' }, readonly: true },
        { key: 'rating', type: 'rating', label: { en: 'Rating' }, max: 5, required: true },
        { key: 'photo', type: 'image', label: { en: 'Photo' }, max_files: 2 },
      ],
    },
    settings: { honeypot: '_hp', accepting: true },
    prefill: { store: 'Nanjing Road' },
  };

  it('asks with the signed prefill, shows prefilled answers read-only and sends the prefill back', async () => {
    setupPublicI18n();
    window.history.replaceState({}, '', '/f/tok?p=SIGNED.abc');
    const gets: string[] = [];
    const posts: unknown[] = [];
    mockFetch((url, init) => {
      if (init?.method === 'POST') { posts.push(JSON.parse(String(init.body))); return { status: 201, body: { id: 'r1' } }; }
      gets.push(url);
      return { status: 200, body: survey };
    });
    render(<PublicForm token="tok" />);
    await screen.findByText('How did we do?');
    expect(gets).toEqual(['/api/v1/public/tok?prefill=SIGNED.abc']);
    const store = document.getElementById('pf-store')!;
    expect(store.tagName).toBe('OUTPUT');
    expect(store.textContent).toBe('Nanjing Road');
    fireEvent.click(screen.getByLabelText('2'));
    fireEvent.click(screen.getByTestId('public-submit'));
    await screen.findByTestId('public-thanks');
    expect(posts).toEqual([{ data: { rating: 2 }, prefill: 'SIGNED.abc' }]);
  });

  it('uploads a chosen photo at once and submits its signed reference', async () => {
    setupPublicI18n();
    const posts: { url: string; body: unknown }[] = [];
    const ref = { ref: 'REF1', name: 'crack.png', size: 2048, content_type: 'image/png' };
    mockFetch((url, init) => {
      if (init?.method !== 'POST') return { status: 200, body: { ...survey, prefill: {} } };
      if (url.endsWith('/files')) {
        const form = init.body as FormData;
        posts.push({ url, body: { field: form.get('field'), name: (form.get('file') as File).name } });
        return { status: 201, body: ref };
      }
      posts.push({ url, body: JSON.parse(String(init.body)) });
      return { status: 201, body: { id: 'r1' } };
    });
    render(<PublicForm token="tok" />);
    await screen.findByText('How did we do?');
    const input = screen.getByTestId('pf-file-photo') as HTMLInputElement;
    expect(input.accept).toBe('image/*');
    fireEvent.change(input, { target: { files: [new File([new Uint8Array(2048)], 'crack.png', { type: 'image/png' })] } });
    expect(await screen.findByText('crack.png')).toBeTruthy();
    fireEvent.click(screen.getByLabelText('4'));
    fireEvent.click(screen.getByTestId('public-submit'));
    await screen.findByTestId('public-thanks');
    expect(posts).toEqual([
      { url: '/api/v1/public/tok/files', body: { field: 'photo', name: 'crack.png' } },
      { url: '/api/v1/public/tok/submit', body: { data: { rating: 4, photo: [ref] } } },
    ]);
  });

  it('refuses a file over the question limit before uploading and shows the server refusal', async () => {
    setupPublicI18n();
    let uploads = 0;
    const small = { ...survey, prefill: {}, form: { ...survey.form, fields: [{ key: 'doc', type: 'file', label: { en: 'Receipt' }, max_size: 1000 }] } };
    mockFetch((_url, init) => {
      if (init?.method !== 'POST') return { status: 200, body: small };
      uploads += 1;
      return { status: 422, body: { error: { code: 'validation_failed', message: 'no', details: { fields: { file: ['Type text/html is not accepted'] } } } } };
    });
    render(<PublicForm token="tok" />);
    await screen.findByText('Receipt');
    const input = screen.getByTestId('pf-file-doc');
    fireEvent.change(input, { target: { files: [new File([new Uint8Array(5000)], 'big.pdf')] } });
    expect(await screen.findByText('big.pdf is larger than 1 KB.')).toBeTruthy();
    expect(uploads).toBe(0);
    fireEvent.change(input, { target: { files: [new File(['<html>'], 'page.html')] } });
    expect(await screen.findByText('page.html: Type text/html is not accepted')).toBeTruthy();
    expect(uploads).toBe(1);
  });
});
