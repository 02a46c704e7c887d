// Read-only rendering of stored values: grid cells (text) and detail views (nodes).
import { PaperClipOutlined } from '@ant-design/icons';
import { Rate, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import type { FieldDef, FileRef } from '../api/types';
import { htmlToText, sanitizeHtml } from '../common/sanitize';
import { apiUrl } from '../api/client';

export interface DisplayContext {
  userName?: (id: string) => string;
  departmentName?: (id: string) => string;
  yes: string;
  no: string;
  rows?: (n: number) => string;
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === null || v === undefined || v === '' ? [] : [v];
}

function fileName(v: unknown): string {
  return v && typeof v === 'object' && 'name' in v ? String((v as FileRef).name) : String(v);
}

export function formatNumber(field: FieldDef, n: number): string {
  const decimals = typeof field.decimals === 'number' ? field.decimals : undefined;
  if (field.format === 'percent') return `${(n * 100).toFixed(decimals ?? 0)}%`;
  const text = decimals !== undefined ? n.toLocaleString(undefined, { minimumFractionDigits: decimals, maximumFractionDigits: decimals }) : n.toLocaleString(undefined, { maximumFractionDigits: 10 });
  return field.format === 'currency' ? `¥${text}` : text;
}

/** Plain text of a value, as shown in grid cells and exports. */
export function cellText(field: FieldDef, value: unknown, ctx: DisplayContext): string {
  if (value === null || value === undefined || value === '') return '';
  switch (field.type) {
    case 'number':
      return typeof value === 'number' ? formatNumber(field, value) : String(value);
    case 'formula':
      if (typeof value === 'number') return formatNumber(field, value);
      if (typeof value === 'boolean') return value ? ctx.yes : ctx.no;
      return String(value);
    case 'checkbox':
      return value ? ctx.yes : ctx.no;
    case 'datetime':
      return dayjs(String(value)).isValid() ? dayjs(String(value)).format('YYYY-MM-DD HH:mm') : String(value);
    case 'multiselect':
      return asArray(value).join(', ');
    case 'user':
    case 'users':
      return asArray(value).map((id) => ctx.userName?.(String(id)) ?? String(id)).join(', ');
    case 'department':
      return ctx.departmentName?.(String(value)) ?? String(value);
    case 'file':
    case 'image':
      return asArray(value).map(fileName).join(', ');
    case 'signature':
      return fileName(value);
    case 'address': {
      const a = value as Record<string, string>;
      return [a.province, a.city, a.district, a.detail].filter(Boolean).join(' ');
    }
    case 'location': {
      const l = value as { lat?: number; lng?: number; label?: string };
      return l.label || (l.lat !== undefined ? `${l.lat}, ${l.lng}` : '');
    }
    case 'richtext':
      return htmlToText(String(value));
    case 'subform':
      return Array.isArray(value) ? ctx.rows?.(value.length) ?? String(value.length) : '';
    case 'relation':
      return asArray(value).map(String).join(', ');
    default:
      if (Array.isArray(value)) return value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(', ');
      if (typeof value === 'object') return JSON.stringify(value);
      if (typeof value === 'boolean') return value ? ctx.yes : ctx.no;
      return String(value);
  }
}

/** A value as a node for detail views (links to files, stars, tags). */
export function FieldValue({ field, value, ctx }: { field: FieldDef; value: unknown; ctx: DisplayContext }) {
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) {
    return <Typography.Text type="secondary">—</Typography.Text>;
  }
  switch (field.type) {
    case 'rating':
      return <Rate disabled value={Number(value)} count={Number(field.max ?? 5)} style={{ fontSize: 14 }} />;
    case 'multiselect':
      return <>{asArray(value).map((v) => <Tag key={String(v)}>{String(v)}</Tag>)}</>;
    case 'file':
    case 'image':
    case 'signature':
      return (
        <>
          {asArray(value).map((f) => {
            const ref = f as FileRef;
            return (
              <div key={ref.id}>
                <a href={apiUrl(`/files/${ref.id}`)} target="_blank" rel="noreferrer"><PaperClipOutlined /> {ref.name}</a>
              </div>
            );
          })}
        </>
      );
    case 'richtext':
      // sanitised by an allow-list before it reaches the DOM
      return <div className="fl-richtext" dangerouslySetInnerHTML={{ __html: sanitizeHtml(String(value)) }} />;
    case 'url':
      return /^https?:\/\//i.test(String(value)) ? <a href={String(value)} target="_blank" rel="noopener noreferrer nofollow">{String(value)}</a> : <>{String(value)}</>;
    case 'email':
      return <a href={`mailto:${String(value)}`}>{String(value)}</a>;
    default:
      return <span style={{ whiteSpace: 'pre-wrap' }}>{cellText(field, value, ctx)}</span>;
  }
}
