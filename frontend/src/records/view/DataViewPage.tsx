// The data view of a form: virtualised grid, filter builder, columns, saved views, bulk actions,
// detail drawer with history, import and export.
import { useCallback, useMemo, useRef, useState } from 'react';
import {
  DeleteOutlined, DownloadOutlined, EditOutlined, FilterOutlined, ImportOutlined, PlusOutlined, SaveOutlined, SettingOutlined,
} from '@ant-design/icons';
import { useInfiniteQuery, useMutation, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { App as AntApp, Badge, Button, Dropdown, Input, Popover, Result, Skeleton, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, apiUrl } from '../../api/client';
import type { FieldDef, Page, RecordItem } from '../../api/types';
import { useForm, useForms } from '../../apps/queries';
import { errorMessage } from '../../common/errors';
import { labelText } from '../../common/label';
import { useNotify } from '../../common/useNotify';
import { storedFields } from '../../forms/model';
import { ImportWizard } from '../import/ImportWizard';
import { useDisplayContext } from '../useDisplayContext';
import { BulkEditDialog } from './BulkEditDialog';
import { ColumnChooser } from './ColumnChooser';
import { FilterBuilder } from './FilterBuilder';
import { filterExpression } from './filterModel';
import { RecordDrawer } from './RecordDrawer';
import { RecordGrid } from './RecordGrid';
import { effectiveOrder, sortParam, useSavedViews, useViewState } from './viewState';

const PAGE_SIZE = 1000;

/** Runs fn over items with a few requests in flight, reporting progress. */
async function eachLimited<T>(items: T[], fn: (item: T) => Promise<unknown>, onProgress: (done: number) => void, limit = 4) {
  let next = 0, done = 0;
  const errors: unknown[] = [];
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      try { await fn(item); } catch (e) { errors.push(e); }
      onProgress(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return errors;
}

export default function DataViewPage() {
  const { appId = '', formId = '' } = useParams();
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const notify = useNotify();
  const { modal } = AntApp.useApp();
  const form = useForm(formId);
  const forms = useForms(appId);
  const display = useDisplayContext();
  const [view, setView] = useViewState(formId);
  const saved = useSavedViews(formId);
  const [filterOpen, setFilterOpen] = useState(false);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [openRecord, setOpenRecord] = useState<RecordItem | null>(null);
  const [editing, setEditing] = useState<{ id: string; key: string } | null>(null);
  const [importOpen, setImportOpen] = useState(false);
  const [bulkOpen, setBulkOpen] = useState(false);
  const [bulkProgress, setBulkProgress] = useState<number | null>(null);
  const viewName = useRef('');

  const fields: FieldDef[] = useMemo(() => storedFields(form.data?.definition.fields ?? []), [form.data]);
  const filter = filterExpression(view.filter, fields);
  const sort = sortParam(view.sort);
  const queryKey = ['records', formId, filter, sort];

  const records = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam, signal }) => api.get<Page<RecordItem>>(`/forms/${formId}/records`, { limit: PAGE_SIZE, cursor: pageParam, filter: filter || undefined, sort }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    enabled: !!form.data,
  });
  const rows = useMemo(() => records.data?.pages.flatMap((p) => p.items) ?? [], [records.data]);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = records;
  const loadMore = useCallback(() => { if (hasNextPage && !isFetchingNextPage) void fetchNextPage(); }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  const replaceRecord = (updated: RecordItem) => {
    qc.setQueryData<InfiniteData<Page<RecordItem>>>(queryKey, (old) => old && ({
      ...old, pages: old.pages.map((p) => ({ ...p, items: p.items.map((r) => (r.id === updated.id ? updated : r)) })),
    }));
    qc.setQueryData(['record', updated.id], updated);
  };
  const patch = useMutation({
    mutationFn: ({ record, data }: { record: RecordItem; data: Record<string, unknown> }) =>
      api.patch<RecordItem>(`/records/${record.id}`, { data, version: record.version }),
    onSuccess: (r) => { replaceRecord(r); setEditing(null); },
    onError: (err) => { notify.error(err); setEditing(null); },
  });
  const remove = (r: RecordItem) => api.delete(`/records/${r.id}`).then(() => {
    void qc.invalidateQueries({ queryKey: ['records', formId] });
    notify.success(t('common.deleted'));
  }, notify.error);

  const order = effectiveOrder(view.order, fields.map((f) => f.key));
  const selectedRecords = rows.filter((r) => selected.has(r.id));

  const bulkDelete = () => modal.confirm({
    title: t('records.bulkDeleteConfirm', { count: selected.size }), content: t('common.cannotUndo'),
    okText: t('common.delete'), okButtonProps: { danger: true }, cancelText: t('common.cancel'),
    onOk: async () => {
      const errors = await eachLimited(selectedRecords, (r) => api.delete(`/records/${r.id}`), () => undefined);
      setSelected(new Set());
      void qc.invalidateQueries({ queryKey: ['records', formId] });
      if (errors.length) notify.error(errors[0]); else notify.success(t('common.deleted'));
    },
  });
  const bulkApply = async (key: string, value: unknown) => {
    setBulkProgress(0);
    const errors = await eachLimited(selectedRecords, (r) => api.patch(`/records/${r.id}`, { data: { [key]: value }, version: r.version }),
      (done) => setBulkProgress(Math.round((done / selectedRecords.length) * 100)));
    setBulkProgress(null);
    setBulkOpen(false);
    void qc.invalidateQueries({ queryKey: ['records', formId] });
    if (errors.length) modal.error({ title: t('records.bulkSomeFailed', { count: errors.length }), content: errorMessage(errors[0], t) });
    else notify.success(t('records.bulkDone', { count: selectedRecords.length }));
  };

  if (form.isPending) return <div className="fl-page-wide"><Skeleton active /></div>;
  if (form.error) return <Result status="warning" title={errorMessage(form.error, t)} />;
  const def = form.data.definition;
  const conditionCount = view.filter.mode === 'raw' ? (filter ? 1 : 0) : view.filter.groups.reduce((n, g) => n + g.conditions.length, 0);
  const exportHref = (format: 'csv' | 'xlsx') => apiUrl(`/forms/${formId}/export`, { format, filter: filter || undefined, sort });

  return (
    <div className="fl-page-wide">
      <div className="fl-page-title">
        <h1>{labelText(def.name, i18n.language, def.key)}</h1>
        <Space wrap>
          {selected.size > 0 && (
            <>
              <Typography.Text>{t('records.selectedCount', { count: selected.size })}</Typography.Text>
              <Button icon={<EditOutlined />} onClick={() => setBulkOpen(true)}>{t('records.bulkEdit')}</Button>
              <Button danger icon={<DeleteOutlined />} onClick={bulkDelete}>{t('records.bulkDelete')}</Button>
            </>
          )}
          <Popover trigger="click" open={filterOpen} onOpenChange={setFilterOpen} placement="bottomRight" destroyOnHidden
            content={<FilterBuilder fields={fields} value={view.filter} onApply={(f) => { setView({ filter: f }); setSelected(new Set()); }} onClose={() => setFilterOpen(false)} />}>
            <Badge count={conditionCount} size="small"><Button icon={<FilterOutlined />} data-testid="open-filter">{t('records.filter')}</Button></Badge>
          </Popover>
          <Popover trigger="click" placement="bottomRight" content={<ColumnChooser fields={fields} order={order} hidden={view.hidden} onHidden={(hidden) => setView({ hidden })} />}>
            <Button icon={<SettingOutlined />}>{t('records.columns')}</Button>
          </Popover>
          <Dropdown trigger={['click']} menu={{
            items: [
              ...saved.views.map((v) => ({ key: `view:${v.name}`, label: v.name })),
              ...(saved.views.length ? [{ type: 'divider' as const }] : []),
              { key: 'save', icon: <SaveOutlined />, label: t('records.saveView') },
              ...saved.views.map((v) => ({ key: `del:${v.name}`, danger: true, label: t('records.deleteView', { name: v.name }) })),
            ],
            onClick: ({ key }) => {
              if (key === 'save') {
                viewName.current = '';
                modal.confirm({
                  title: t('records.saveView'),
                  content: <Input autoFocus placeholder={t('records.viewName')} onChange={(e) => { viewName.current = e.target.value; }} />,
                  okText: t('common.save'), cancelText: t('common.cancel'),
                  onOk: () => { if (viewName.current.trim()) saved.add(viewName.current.trim(), view); },
                });
              } else if (key.startsWith('view:')) {
                const v = saved.views.find((x) => x.name === key.slice(5));
                if (v) setView(v.state);
              } else if (key.startsWith('del:')) saved.remove(key.slice(4));
            },
          }}>
            <Button>{t('records.views')}</Button>
          </Dropdown>
          <Button icon={<ImportOutlined />} onClick={() => setImportOpen(true)} data-testid="open-import">{t('records.import')}</Button>
          <Dropdown menu={{ items: [
            { key: 'csv', label: <a href={exportHref('csv')} download data-testid="export-csv">CSV</a> },
            { key: 'xlsx', label: <a href={exportHref('xlsx')} download>Excel (XLSX)</a> },
          ] }}>
            <Button icon={<DownloadOutlined />} data-testid="export">{t('records.export')}</Button>
          </Dropdown>
          <Link to={`/apps/${appId}/forms/${formId}/records/new`}><Button type="primary" icon={<PlusOutlined />} data-testid="new-record">{t('forms.newRecord')}</Button></Link>
        </Space>
      </div>
      {filter && <Typography.Paragraph type="secondary" style={{ marginTop: -8 }}>{t('records.filteredBy')}: <code className="fl-mono">{filter}</code></Typography.Paragraph>}
      {records.error ? (
        <Result status="warning" title={errorMessage(records.error, t)} extra={<Button onClick={() => setView({ filter: { mode: 'builder', combinator: 'and', groups: [], raw: '' }, sort: null })}>{t('records.clearFilter')}</Button>} />
      ) : (
        <RecordGrid
          fields={fields}
          forms={forms.data}
          rows={rows}
          columnOrder={order}
          hidden={view.hidden}
          widths={view.widths}
          sort={view.sort}
          selected={selected}
          loading={records.isFetching}
          hasMore={!!hasNextPage}
          display={display}
          editing={editing}
          onLoadMore={loadMore}
          onSort={(key) => setView({ sort: view.sort?.key !== key ? { key, desc: false } : view.sort.desc ? null : { key, desc: true } })}
          onWidths={(widths) => setView({ widths })}
          onOrder={(o) => setView({ order: o })}
          onSelect={setSelected}
          onOpen={setOpenRecord}
          onEdit={setEditing}
          onCommit={(record, key, value) => patch.mutate({ record, data: { [key]: value } })}
        />
      )}
      <Typography.Text type="secondary" style={{ display: 'block', marginTop: 8 }}>
        {t('records.loadedCount', { count: rows.length })}{hasNextPage ? ` · ${t('records.scrollForMore')}` : ''}
      </Typography.Text>
      <RecordDrawer record={openRecord ? rows.find((r) => r.id === openRecord.id) ?? openRecord : null} fields={fields} forms={forms.data}
        editHref={`/apps/${appId}/forms/${formId}/records/${openRecord?.id}`} display={display}
        onClose={() => setOpenRecord(null)} onDelete={remove} />
      <ImportWizard formId={formId} fields={fields} open={importOpen} onClose={() => setImportOpen(false)} />
      <BulkEditDialog open={bulkOpen} count={selected.size} fields={fields} forms={forms.data} progress={bulkProgress}
        onApply={bulkApply} onClose={() => setBulkOpen(false)} />
    </div>
  );
}
