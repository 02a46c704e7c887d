import { describe, expect, it } from 'vitest';
import { htmlToText, sanitizeHtml } from './sanitize';

describe('sanitizeHtml', () => {
  it('drops scripts, handlers and javascript links', () => {
    const out = sanitizeHtml('<p onclick="x()">hi<script>alert(1)</script><img src=x onerror=alert(1)><a href="javascript:alert(1)">l</a><b>b</b></p>');
    expect(out).toBe('<p>hi<a>l</a><b>b</b></p>');
  });
  it('keeps safe links', () => {
    expect(sanitizeHtml('<a href="https://x.org">x</a>')).toContain('href="https://x.org"');
  });
  it('extracts text', () => {
    expect(htmlToText('<p>a</p><p>b  c</p>')).toBe('ab c');
  });
});
