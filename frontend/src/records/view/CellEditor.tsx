// In-cell editor for simple field types: Enter or leaving the cell saves, Escape cancels.
import { useEffect, useRef, useState } from 'react';
import { DatePicker, Input, InputNumber, Select, Switch } from 'antd';
import dayjs from 'dayjs';
import type { FieldDef } from '../../api/types';

const INLINE = new Set(['text', 'textarea', 'number', 'select', 'date', 'checkbox', 'email', 'phone', 'url', 'rating']);

export function isInlineEditable(field: FieldDef): boolean {
  return INLINE.has(field.type) && !field.readonly;
}

interface Props { field: FieldDef; value: unknown; onCommit: (v: unknown) => void; onCancel: () => void }

export function CellEditor({ field, value, onCommit, onCancel }: Props) {
  const [draft, setDraft] = useState<unknown>(value);
  const done = useRef(false);
  const commit = (v: unknown = draft) => {
    if (done.current) return;
    done.current = true;
    if (v === value) onCancel();
    else onCommit(v);
  };
  const keys = (e: React.KeyboardEvent) => {
    e.stopPropagation();
    if (e.key === 'Escape') { done.current = true; onCancel(); }
    if (e.key === 'Enter' && field.type !== 'textarea') commit();
  };
  useEffect(() => () => { done.current = true; }, []);
  const common = { size: 'small' as const, autoFocus: true, onKeyDown: keys, style: { width: '100%' } };
  const stop = (e: React.MouseEvent) => e.stopPropagation();

  switch (field.type) {
    case 'number':
    case 'rating':
      return <div onClick={stop} style={{ width: '100%' }}><InputNumber {...common} value={typeof draft === 'number' ? draft : null} precision={field.decimals}
        onChange={(v) => setDraft(v ?? null)} onBlur={() => commit()} /></div>;
    case 'select':
      return <div onClick={stop} style={{ width: '100%' }}><Select {...common} open value={draft ?? undefined} allowClear options={(field.options ?? []).map((o) => ({ value: o, label: o }))}
        onChange={(v) => commit(v ?? null)} onBlur={() => commit()} /></div>;
    case 'date':
      return <div onClick={stop} style={{ width: '100%' }}><DatePicker {...common} open value={typeof draft === 'string' && draft ? dayjs(draft) : null}
        onChange={(d) => commit(d ? d.format('YYYY-MM-DD') : null)} onOpenChange={(o) => { if (!o) commit(); }} /></div>;
    case 'checkbox':
      return <div onClick={stop} onKeyDown={keys}><Switch size="small" autoFocus checked={!!draft} onChange={(v) => commit(v)} /></div>;
    default:
      return <div onClick={stop} style={{ width: '100%' }}><Input {...common} value={(draft as string) ?? ''} onChange={(e) => setDraft(e.target.value || null)} onBlur={() => commit()} /></div>;
  }
}
