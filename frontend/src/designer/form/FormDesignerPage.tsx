// The form designer: palette, canvas with drag and drop, side panel, preview, undo/redo, save.
import { useEffect, useMemo, useState } from 'react';
import {
  DndContext, DragOverlay, KeyboardSensor, PointerSensor, pointerWithin, rectIntersection, useSensor, useSensors,
  type CollisionDetection, type DragEndEvent, type DragStartEvent,
} from '@dnd-kit/core';
import { sortableKeyboardCoordinates } from '@dnd-kit/sortable';
import { EyeOutlined, RedoOutlined, SaveOutlined, SettingOutlined, UndoOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App as AntApp, Button, Result, Skeleton, Space, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api, ApiError } from '../../api/client';
import type { FieldType, FormDefinition, FormInfo } from '../../api/types';
import { formKey, formsKey, useForm, useForms } from '../../apps/queries';
import { errorMessage } from '../../common/errors';
import { keyFromName } from '../../common/keys';
import { labelText } from '../../common/label';
import { useNotify } from '../../common/useNotify';
import { SUBFORM_TYPES } from '../../forms/fieldTypes';
import { emptyDefinition } from '../../forms/model';
import { useUnsavedGuard } from '../../records/shared/useUnsavedGuard';
import { Canvas, parseFieldId } from './Canvas';
import { findField, useDesigner, type FieldRef } from './designerState';
import { FieldPanel } from './FieldPanel';
import { FormSettingsPanel } from './FormSettingsPanel';
import { MigrationDialog, type MigrationReport } from './MigrationDialog';
import { Palette } from './Palette';
import { PreviewModal } from './PreviewModal';
import { cleanDefinition, errorsByField } from './saveDefinition';
import './designer.css';

// Pointer position first (precise drops into subforms), rectangles as a fallback for keyboards.
const collision: CollisionDetection = (args) => {
  const hits = pointerWithin(args);
  return hits.length ? hits : rectIntersection(args);
};

function Designer({ initial, saved, appId, forms }: { initial: FormDefinition; saved: FormInfo | null; appId: string; forms: FormInfo[] }) {
  const { t, i18n } = useTranslation();
  const d = useDesigner(initial);
  const qc = useQueryClient();
  const notify = useNotify();
  const navigate = useNavigate();
  const { modal } = AntApp.useApp();
  const [savedDef, setSavedDef] = useState<FormDefinition>(initial);
  const [dragLabel, setDragLabel] = useState<string | null>(null);
  const [preview, setPreview] = useState(false);
  const [report, setReport] = useState<MigrationReport | null>(null);
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const dirty = JSON.stringify(d.definition) !== JSON.stringify(savedDef);
  const release = useUnsavedGuard(dirty);
  const savedKeys = useMemo(() => new Set(saved ? savedDef.fields.flatMap((f) => [f.key, ...(f.fields ?? []).map((c) => c.key)]) : []), [saved, savedDef]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      const target = e.target as HTMLElement;
      if (!mod || target.closest('input, textarea, [contenteditable="true"]')) return;
      if (e.key.toLowerCase() === 'z' && !e.shiftKey) { e.preventDefault(); d.undo(); }
      if ((e.key.toLowerCase() === 'z' && e.shiftKey) || e.key.toLowerCase() === 'y') { e.preventDefault(); d.redo(); }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [d]);

  const save = useMutation({
    mutationFn: async (force: boolean) => {
      const body = cleanDefinition(d.definition);
      if (!saved) return api.post<FormInfo>(`/apps/${appId}/forms`, body);
      return api.put<FormInfo>(`/forms/${saved.id}`, body, force ? { force: true } : undefined);
    },
    onSuccess: (form) => {
      setReport(null);
      setErrors({});
      setSavedDef(d.definition);
      qc.setQueryData(formKey(form.id), form);
      void qc.invalidateQueries({ queryKey: formsKey(appId) });
      notify.success(t('designer.savedVersion', { version: form.version }));
      if (!saved) {
        release();
        navigate(`/apps/${appId}/forms/${form.id}/design`, { replace: true });
      }
    },
    onError: (err) => {
      if (err instanceof ApiError && err.details.migration) {
        setReport(err.details.migration as MigrationReport);
        return;
      }
      if (err instanceof ApiError && Array.isArray(err.details.users)) {
        modal.error({ title: errorMessage(err, t), content: (err.details.users as unknown[]).map((u) => (typeof u === 'object' ? JSON.stringify(u) : String(u))).join('\n') });
        return;
      }
      if (err instanceof ApiError && Object.keys(err.fields).length) setErrors(errorsByField(cleanDefinition(d.definition), err.fields));
      notify.error(err);
    },
  });

  const addAt = (type: FieldType, index: number, parent?: string) => {
    if (parent && !SUBFORM_TYPES.includes(type)) {
      notify.info(t('designer.notInSubform'));
      return;
    }
    d.dispatch({ type: 'add', fieldType: type, index, parent, label: { [i18n.language === 'zh-CN' ? 'zh' : 'en']: t(`fieldTypes.${type}`) } });
  };

  const onDragStart = (e: DragStartEvent) => {
    const data = e.active.data.current as { kind: string; type?: FieldType; ref?: FieldRef } | undefined;
    if (data?.kind === 'palette' && data.type) setDragLabel(t(`fieldTypes.${data.type}`));
    else if (data?.ref) setDragLabel(labelText(findField(d.definition, data.ref)?.label, i18n.language, data.ref.key));
  };

  const onDragEnd = (e: DragEndEvent) => {
    setDragLabel(null);
    const data = e.active.data.current as { kind: string; type?: FieldType; ref?: FieldRef } | undefined;
    const overId = e.over ? String(e.over.id) : null;
    if (!data || !overId) return;
    // where did it land: a field (before it), a subform's drop zone (its end), or the canvas (the end)
    let parent: string | undefined;
    let index: number;
    const overField = parseFieldId(overId);
    if (overField) {
      parent = overField.parent;
      const list = parent ? d.definition.fields.find((f) => f.key === parent)?.fields ?? [] : d.definition.fields;
      index = list.findIndex((f) => f.key === overField.key);
    } else if (overId.startsWith('subform:')) {
      parent = overId.slice('subform:'.length);
      index = d.definition.fields.find((f) => f.key === parent)?.fields?.length ?? 0;
    } else {
      index = d.definition.fields.length;
    }
    if (data.kind === 'palette' && data.type) {
      addAt(data.type, index, parent);
      return;
    }
    if (data.kind === 'field' && data.ref) {
      const field = findField(d.definition, data.ref);
      if (!field || (data.ref.key === overField?.key && (data.ref.parent ?? '') === (parent ?? ''))) return;
      if (parent && (!SUBFORM_TYPES.includes(field.type) || parent === field.key)) { notify.info(t('designer.notInSubform')); return; }
      d.dispatch({ type: 'move', from: data.ref, toIndex: index, toParent: parent });
    }
  };

  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 5 } }), useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }));
  const selectedField = findField(d.definition, d.selected);
  const labelOf = (key: string) => labelText(d.definition.fields.find((f) => f.key === key)?.label, i18n.language, key);
  const fieldErrors = (ref: FieldRef) => errors[ref.parent ? `${ref.parent}.${ref.key}` : ref.key] ?? [];

  return (
    <>
      <div className="fl-designer-bar">
        <h1>{labelText(d.definition.name, i18n.language, d.definition.key) || t('designer.untitled')}</h1>
        {saved && <span style={{ color: '#8a919f' }}>{t('forms.version', { version: saved.version })}</span>}
        <Space style={{ marginLeft: 'auto' }} wrap>
          <Tooltip title={t('designer.undo')}><Button icon={<UndoOutlined />} disabled={!d.canUndo} onClick={d.undo} aria-label={t('designer.undo')} data-testid="undo" /></Tooltip>
          <Tooltip title={t('designer.redo')}><Button icon={<RedoOutlined />} disabled={!d.canRedo} onClick={d.redo} aria-label={t('designer.redo')} data-testid="redo" /></Tooltip>
          <Button icon={<SettingOutlined />} type={d.selected ? 'default' : 'primary'} ghost={!d.selected} onClick={() => d.select(null)} data-testid="form-settings-button">{t('designer.formSettings')}</Button>
          <Button icon={<EyeOutlined />} onClick={() => setPreview(true)} data-testid="preview">{t('designer.preview')}</Button>
          {saved && <Link to={`/apps/${appId}/forms/${saved.id}/data`}><Button>{t('forms.data')}</Button></Link>}
          <Button type="primary" icon={<SaveOutlined />} loading={save.isPending && !report} disabled={!d.definition.fields.length}
            onClick={() => save.mutate(false)} data-testid="save-form">{t('common.save')}</Button>
        </Space>
      </div>
      <DndContext sensors={sensors} collisionDetection={collision} onDragStart={onDragStart} onDragEnd={onDragEnd} onDragCancel={() => setDragLabel(null)}>
        <div className="fl-designer">
          <Palette onAdd={(type) => {
            const sel = d.selected && !d.selected.parent && findField(d.definition, d.selected)?.type === 'subform' ? d.selected.key : undefined;
            addAt(type, sel ? d.definition.fields.find((f) => f.key === sel)?.fields?.length ?? 0 : d.definition.fields.length, sel);
          }} />
          <Canvas definition={d.definition} selected={d.selected} errors={errors} onSelect={d.select}
            onRemove={(ref) => d.dispatch({ type: 'remove', ref })} onDuplicate={(ref) => d.dispatch({ type: 'duplicate', ref })} />
          <div className="fl-side">
            {selectedField && d.selected ? (
              <FieldPanel key={`${d.selected.parent ?? ''}.${d.selected.key}`} field={selectedField} fieldRef={d.selected} definition={d.definition}
                savedKeys={savedKeys} forms={forms} formId={saved?.id} errors={fieldErrors(d.selected)}
                onChange={(patch, coalesce) => d.dispatch({ type: 'update', ref: d.selected!, patch }, coalesce && `${d.selected!.key}:${coalesce}`)}
                onRename={(newKey) => {
                  if (!saved) return;
                  if (dirty) { notify.info(t('designer.saveBeforeRename')); return; }
                  api.post<FormInfo>(`/forms/${saved.id}/fields/${d.selected!.key}/rename`, { new_key: newKey }).then((form) => {
                    qc.setQueryData(formKey(form.id), form);
                    setSavedDef(form.definition);
                    d.dispatch({ type: 'reset', definition: form.definition });
                    notify.success(t('designer.renamed'));
                  }, notify.error);
                }} />
            ) : (
              <FormSettingsPanel definition={d.definition} isNew={!saved} formId={saved?.id} errors={errors}
                onChange={(patch, coalesce) => d.dispatch({ type: 'form', patch }, coalesce && `form:${coalesce}`)} />
            )}
          </div>
        </div>
        <DragOverlay>{dragLabel ? <div className="fl-card" style={{ width: 240, opacity: 0.9 }}>{dragLabel}</div> : null}</DragOverlay>
      </DndContext>
      <PreviewModal open={preview} definition={d.definition} appId={appId} forms={forms} onClose={() => setPreview(false)} />
      <MigrationDialog report={report} saving={save.isPending} labelOf={labelOf} onCancel={() => setReport(null)} onForce={() => save.mutate(true)} />
    </>
  );
}

export default function FormDesignerPage() {
  const { appId = '', formId = 'new' } = useParams();
  const { t, i18n } = useTranslation();
  const isNew = formId === 'new';
  const form = useForm(isNew ? undefined : formId);
  const forms = useForms(appId);
  if (!isNew && form.isPending) return <div className="fl-page"><Skeleton active /></div>;
  if (!isNew && form.error) return <Result status="warning" title={errorMessage(form.error, t)} />;
  if (isNew && forms.isPending) return <div className="fl-page"><Skeleton active /></div>;
  const taken = (forms.data ?? []).map((f) => f.key);
  const initial = isNew
    ? { ...emptyDefinition(keyFromName('', 'form', taken)), name: { [i18n.language === 'zh-CN' ? 'zh' : 'en']: t('designer.newFormName') } }
    : form.data!.definition;
  return <Designer key={formId} initial={initial} saved={isNew ? null : form.data!} appId={appId} forms={forms.data ?? []} />;
}
