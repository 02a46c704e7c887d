// The form canvas: sortable field cards; subforms hold their own sortable list; sections split the form.
import { useDroppable } from '@dnd-kit/core';
import { SortableContext, useSortable, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { CopyOutlined, DeleteOutlined, HolderOutlined } from '@ant-design/icons';
import { Button, Empty, Tag, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { FieldDef, FormDefinition } from '../../api/types';
import { labelText } from '../../common/label';
import { fieldTypeInfo } from '../../forms/fieldTypes';
import type { FieldRef } from './designerState';

export const fieldId = (ref: FieldRef) => (ref.parent ? `s:${ref.parent}:${ref.key}` : `f:${ref.key}`);

export function parseFieldId(id: string): FieldRef | null {
  if (id.startsWith('f:')) return { key: id.slice(2) };
  if (id.startsWith('s:')) {
    const [, parent, key] = id.split(':');
    return { key, parent };
  }
  return null;
}

interface CardProps {
  field: FieldDef;
  parent?: string;
  selected: FieldRef | null;
  errors: Record<string, string[]>;
  onSelect: (ref: FieldRef) => void;
  onRemove: (ref: FieldRef) => void;
  onDuplicate: (ref: FieldRef) => void;
}

function FieldCard({ field, parent, selected, errors, onSelect, onRemove, onDuplicate }: CardProps) {
  const { t, i18n } = useTranslation();
  const ref = { key: field.key, parent };
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({ id: fieldId(ref), data: { kind: 'field', ref } });
  const isSelected = selected?.key === field.key && (selected.parent ?? '') === (parent ?? '');
  const info = fieldTypeInfo(field.type);
  const errs = errors[parent ? `${parent}.${field.key}` : field.key];
  const rules = [field.visible_when && t('designer.hasVisibleWhen'), field.required_when && t('designer.hasRequiredWhen'), field.type === 'formula' && field.expression].filter(Boolean);
  return (
    <div ref={setNodeRef} style={{ transform: CSS.Translate.toString(transform), transition, opacity: isDragging ? 0.4 : 1 }}
      className={`fl-card${isSelected ? ' fl-card-selected' : ''}${field.type === 'section' ? ' fl-card-section' : ''}${errs ? ' fl-card-error' : ''}`}
      onClick={(e) => { e.stopPropagation(); onSelect(ref); }} data-testid={`canvas-field-${field.key}`} role="listitem">
      <div className="fl-card-head">
        <span className="fl-card-handle" {...attributes} {...listeners} aria-label={t('designer.dragToMove')}><HolderOutlined /></span>
        <span className="fl-card-icon">{info.icon}</span>
        <span className="fl-card-label">
          {field.required && <span style={{ color: '#ff4d4f' }}>* </span>}
          {labelText(field.label, i18n.language, field.key)}
        </span>
        <Tag className="fl-card-type">{t(`fieldTypes.${field.type}`)}</Tag>
        <span className="fl-card-actions">
          <Tooltip title={t('designer.duplicate')}><Button type="text" size="small" icon={<CopyOutlined />} aria-label={t('designer.duplicate')} onClick={(e) => { e.stopPropagation(); onDuplicate(ref); }} /></Tooltip>
          <Tooltip title={t('common.delete')}><Button type="text" size="small" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} onClick={(e) => { e.stopPropagation(); onRemove(ref); }} /></Tooltip>
        </span>
      </div>
      {rules.length > 0 && <div className="fl-card-rules"><Typography.Text type="secondary" ellipsis className="fl-mono">{rules.join(' · ')}</Typography.Text></div>}
      {errs && <div className="fl-card-errmsg">{errs.join(' ')}</div>}
      {field.type === 'subform' && (
        <SubformList field={field} selected={selected} errors={errors} onSelect={onSelect} onRemove={onRemove} onDuplicate={onDuplicate} />
      )}
    </div>
  );
}

function SubformList({ field, ...rest }: Omit<CardProps, 'parent'>) {
  const { t } = useTranslation();
  const children = field.fields ?? [];
  const { setNodeRef, isOver } = useDroppable({ id: `subform:${field.key}`, data: { kind: 'subform', parent: field.key } });
  return (
    <div ref={setNodeRef} className={`fl-subform-drop${isOver ? ' fl-drop-over' : ''}`} data-testid={`subform-drop-${field.key}`}>
      <SortableContext items={children.map((c) => fieldId({ key: c.key, parent: field.key }))} strategy={verticalListSortingStrategy}>
        {children.map((c) => <FieldCard key={c.key} field={c} parent={field.key} {...rest} />)}
      </SortableContext>
      {children.length === 0 && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('designer.dropIntoSubform')}</Typography.Text>}
    </div>
  );
}

interface CanvasProps {
  definition: FormDefinition;
  selected: FieldRef | null;
  errors: Record<string, string[]>;
  onSelect: (ref: FieldRef | null) => void;
  onRemove: (ref: FieldRef) => void;
  onDuplicate: (ref: FieldRef) => void;
}

export function Canvas({ definition, selected, errors, onSelect, onRemove, onDuplicate }: CanvasProps) {
  const { t } = useTranslation();
  const { setNodeRef, isOver } = useDroppable({ id: 'canvas', data: { kind: 'canvas' } });
  return (
    <div ref={setNodeRef} className={`fl-canvas${isOver ? ' fl-drop-over' : ''}`} onClick={() => onSelect(null)} role="list" data-testid="designer-canvas">
      <SortableContext items={definition.fields.map((f) => fieldId({ key: f.key }))} strategy={verticalListSortingStrategy}>
        {definition.fields.map((f) => (
          <FieldCard key={f.key} field={f} selected={selected} errors={errors} onSelect={onSelect} onRemove={onRemove} onDuplicate={onDuplicate} />
        ))}
      </SortableContext>
      {definition.fields.length === 0 && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('designer.emptyCanvas')} />}
    </div>
  );
}
