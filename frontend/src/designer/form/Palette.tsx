// Palette of every field type, grouped and searchable; drag onto the canvas or click to append.
import { useState } from 'react';
import { useDraggable } from '@dnd-kit/core';
import { Input, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { FieldType } from '../../api/types';
import { FIELD_GROUPS, FIELD_TYPES, type FieldTypeInfo } from '../../forms/fieldTypes';

function PaletteItem({ info, onAdd }: { info: FieldTypeInfo; onAdd: (t: FieldType) => void }) {
  const { t } = useTranslation();
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({ id: `palette:${info.type}`, data: { kind: 'palette', type: info.type } });
  return (
    <button ref={setNodeRef} type="button" className="fl-palette-item" style={{ opacity: isDragging ? 0.5 : 1 }}
      onClick={() => onAdd(info.type)} data-testid={`palette-${info.type}`} {...attributes} {...listeners}>
      <span className="fl-palette-icon">{info.icon}</span>
      <span>{t(`fieldTypes.${info.type}`)}</span>
    </button>
  );
}

export function Palette({ onAdd }: { onAdd: (t: FieldType) => void }) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const match = (info: FieldTypeInfo) => {
    if (!q.trim()) return true;
    const needle = q.trim().toLowerCase();
    return info.type.includes(needle) || t(`fieldTypes.${info.type}`).toLowerCase().includes(needle);
  };
  return (
    <div className="fl-palette" aria-label={t('designer.palette')}>
      <Input.Search size="small" allowClear placeholder={t('designer.searchTypes')} value={q} onChange={(e) => setQ(e.target.value)} style={{ marginBottom: 8 }} />
      {FIELD_GROUPS.map((g) => {
        const items = FIELD_TYPES.filter((f) => f.group === g && match(f));
        if (!items.length) return null;
        return (
          <div key={g} className="fl-palette-group">
            <Typography.Text type="secondary" className="fl-palette-title">{t(`fieldGroups.${g}`)}</Typography.Text>
            <div className="fl-palette-grid">
              {items.map((info) => <PaletteItem key={info.type} info={info} onAdd={onAdd} />)}
            </div>
          </div>
        );
      })}
    </div>
  );
}
