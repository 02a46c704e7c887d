// A dashboard: widgets on a grid (drag, resize in edit mode), filters, linkage, drill-down,
// full screen and auto-refresh.
import { useMemo, useRef, useState } from 'react';
import ReactGridLayout, { useContainerWidth, type Layout } from 'react-grid-layout';
import 'react-grid-layout/css/styles.css';
import { Button, Empty, Input, Result, Select, Spin, Tag, Typography } from 'antd';
import { EditOutlined, FullscreenOutlined, PlusOutlined, ReloadOutlined, SaveOutlined } from '@ant-design/icons';
import { useQueries } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api, ApiError } from '../api/client';
import type { FormInfo } from '../api/types';
import { useForms } from '../apps/queries';
import { keyFromName } from '../common/keys';
import { labelText } from '../common/label';
import { useNotify } from '../common/useNotify';
import { useUnsavedGuard } from '../flows/useUnsavedGuard';
import { exportUrl, useDashboard, useDashboardData, useSaveDashboard } from './api';
import { DrillDrawer, type DrillTarget } from './DrillDrawer';
import { FiltersBar } from './FiltersBar';
import { runnableSpec } from './specModel';
import type { DashboardDef, FilterValues, ReportResult, Widget } from './types';
import { WidgetCard } from './WidgetCard';
import { WidgetEditor } from './WidgetEditor';

const REFRESH = [0, 30, 60, 300] as const;

export default function DashboardPage() {
  const { appId, dashboardId } = useParams();
  const isNew = dashboardId === 'new';
  const dashboard = useDashboard(isNew ? undefined : dashboardId);
  const forms = useForms(appId);
  const { t } = useTranslation('dashboards');
  if ((!isNew && dashboard.isPending) || forms.isPending) return <Spin style={{ display: 'block', marginTop: 80 }} />;
  if (dashboard.error) return <Result status="warning" title={t('loadFailed')} extra={<Link to={`/apps/${appId}/dashboards`}>{t('backToList')}</Link>} />;
  const def: DashboardDef = dashboard.data?.definition ?? { key: '', name: '', filters: [], widgets: [] };
  return <Board key={`${dashboardId}:${dashboard.data?.version ?? 0}`} appId={appId!} id={isNew ? null : dashboardId!} initial={def} forms={forms.data ?? []} />;
}

function nextId(widgets: Widget[]): string {
  let n = widgets.length + 1;
  while (widgets.some((w) => w.id === `w${n}`)) n += 1;
  return `w${n}`;
}

function Board({ appId, id, initial, forms }: { appId: string; id: string | null; initial: DashboardDef; forms: FormInfo[] }) {
  const { t, i18n } = useTranslation('dashboards');
  const notify = useNotify();
  const navigate = useNavigate();
  const [def, setDef] = useState<DashboardDef>(initial);
  const [name, setName] = useState(labelText(initial.name, i18n.language, ''));
  const [editing, setEditing] = useState(!id);
  const [dirty, setDirty] = useState(false);
  const [editWidget, setEditWidget] = useState<Widget | null>(null);
  const [values, setValues] = useState<FilterValues>({});
  const [refresh, setRefresh] = useState<number>(0);
  const [drill, setDrill] = useState<DrillTarget | null>(null);
  const frame = useRef<HTMLDivElement>(null);
  const { width, containerRef, mounted } = useContainerWidth();
  const save = useSaveDashboard(appId);
  const allowNavigation = useUnsavedGuard(dirty, t('leaveUnsaved'));

  // Saved dashboards read all widgets at once under the filters; while editing, each widget's
  // spec runs on its own so unsaved changes show immediately.
  const data = useDashboardData(id ?? undefined, values, refresh ? refresh * 1000 : false, !editing);
  const previews = useQueries({
    queries: def.widgets.map((w) => ({
      queryKey: ['report-preview', appId, w.query],
      queryFn: () => api.post<ReportResult>('/reports/query', { ...runnableSpec(w.query), app_id: appId }),
      enabled: editing && !!runnableSpec(w.query),
      retry: false,
    })),
  });
  const resultOf = (w: Widget, i: number): ReportResult | undefined => {
    if (!editing) return data.data?.widgets[w.id];
    const p = previews[i];
    return p?.error ? { columns: [], rows: [], error: { code: 'error', message: (p.error as Error).message } } : p?.data;
  };

  const layout: Layout = useMemo(() => def.widgets.map((w, i) => ({
    i: w.id, ...(w.layout ?? { x: (i % 2) * 6, y: Math.floor(i / 2) * 4, w: 6, h: 4 }), minW: 2, minH: 2,
  })), [def.widgets]);

  const update = (next: DashboardDef) => { setDef(next); setDirty(true); };
  const onLayout = (l: Layout) => {
    // The grid reports its compacted layout on mount too; only a user's drag or resize edits.
    if (!editing) return;
    const byId = new Map(l.map((x) => [x.i, x]));
    const widgets = def.widgets.map((w) => {
      const x = byId.get(w.id);
      return x ? { ...w, layout: { x: x.x, y: x.y, w: x.w, h: x.h } } : w;
    });
    if (JSON.stringify(widgets.map((w) => w.layout)) !== JSON.stringify(def.widgets.map((w) => w.layout))) update({ ...def, widgets });
  };
  const addWidget = () => {
    const y = Math.max(0, ...def.widgets.map((w) => (w.layout ? w.layout.y + w.layout.h : 0)));
    setEditWidget({ id: nextId(def.widgets), chart: 'bar', query: { source: forms[0]?.key ?? '', dimensions: [], measures: [] }, layout: { x: 0, y, w: 6, h: 4 } });
  };
  const applyWidget = (w: Widget) => {
    const exists = def.widgets.some((x) => x.id === w.id);
    update({ ...def, widgets: exists ? def.widgets.map((x) => (x.id === w.id ? w : x)) : [...def.widgets, w] });
    setEditWidget(null);
  };

  const onSave = () => {
    const key = def.key || keyFromName(name, 'dashboard');
    const body: DashboardDef = { ...def, key, name: name || key, widgets: def.widgets.map((w) => ({ ...w, query: runnableSpec(w.query) ?? w.query })) };
    save.mutate({ id: id ?? undefined, def: body }, {
      onSuccess: (saved) => {
        notify.success(t('saved'));
        setDirty(false);
        setEditing(false);
        if (!id) {
          allowNavigation();
          navigate(`/apps/${appId}/dashboards/${saved.id}`, { replace: true });
        }
      },
      onError: (err) => {
        if (err instanceof ApiError && Object.keys(err.fields).length) {
          notify.error(new ApiError(err.status, { code: err.code, message: `${err.message}: ${Object.entries(err.fields).map(([p, m]) => `${p} ${m.join(', ')}`).join('; ')}` }));
        } else notify.error(err);
      },
    });
  };

  const onPoint = (w: Widget) => (point: Record<string, unknown>, label: string) => {
    if (editing || !id) return;
    if (w.linkage && Object.keys(point).length) linkBy({ widgetId: w.id, point, label });
    setDrill({ widgetId: w.id, point, label });
  };
  const linkBy = (target: DrillTarget) => {
    const w = def.widgets.find((x) => x.id === target.widgetId);
    const dims = [...(w?.query.dimensions ?? []), ...(w?.query.rows ?? []), ...(w?.query.columns ?? [])];
    const [name0, value] = Object.entries(target.point)[0] ?? [];
    const dim = dims.find((d) => (d.as ?? d.field) === name0);
    if (!dim) return;
    setValues((v) => ({ ...v, _linkage: { widget: target.widgetId, field: dim.field, value, bucket: dim.bucket, label: target.label } }));
  };


  return (
    <div className="fl-page" ref={frame} style={{ background: '#f5f6f8', overflow: 'auto' }}>
      <div style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap', marginBottom: 8 }}>
        <Link to={`/apps/${appId}/dashboards`}>{t('backToList')}</Link>
        {editing
          ? <Input style={{ width: 240 }} value={name} placeholder={t('name')} data-testid="dashboard-name" onChange={(e) => { setName(e.target.value); setDirty(true); }} />
          : <Typography.Title level={4} style={{ margin: 0 }}>{name}</Typography.Title>}
        {dirty && <Tag>{t('unsaved')}</Tag>}
        <div style={{ flex: 1 }} />
        {!editing && (
          <>
            <Select size="small" value={refresh} onChange={setRefresh} style={{ width: 130 }} data-testid="auto-refresh"
              options={REFRESH.map((s) => ({ value: s, label: s ? t('refreshEvery', { seconds: s }) : t('refreshOff') }))} />
            <Button size="small" icon={<ReloadOutlined />} onClick={() => void data.refetch()} aria-label={t('refresh')} />
            <Button size="small" icon={<FullscreenOutlined />} onClick={() => void frame.current?.requestFullscreen?.()} data-testid="fullscreen">{t('fullscreen')}</Button>
            <Button size="small" icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="edit-dashboard">{t('edit')}</Button>
          </>
        )}
        {editing && (
          <>
            <Button icon={<PlusOutlined />} onClick={addWidget} data-testid="add-widget">{t('addWidget')}</Button>
            {id && <Button onClick={() => { setDef(initial); setDirty(false); setEditing(false); }}>{t('cancel')}</Button>}
            <Button type="primary" icon={<SaveOutlined />} loading={save.isPending} onClick={onSave} disabled={!def.widgets.length} data-testid="save-dashboard">{t('save')}</Button>
          </>
        )}
      </div>
      <FiltersBar filters={def.filters ?? []} values={values} onValues={setValues} editing={editing}
        onFilters={(filters) => update({ ...def, filters })} forms={forms} />
      <div ref={containerRef as React.RefObject<HTMLDivElement>} data-testid="dashboard-grid">
        {def.widgets.length === 0 ? <Empty description={t('emptyDashboard')} style={{ padding: 40 }} /> : mounted && (
          <ReactGridLayout width={width} layout={layout} gridConfig={{ cols: 12, rowHeight: 60 }}
            dragConfig={{ enabled: editing, handle: '.fl-widget-handle' }} resizeConfig={{ enabled: editing }}
            onLayoutChange={onLayout}>
            {def.widgets.map((w, i) => (
              <div key={w.id}>
                <WidgetCard widget={w} result={resultOf(w, i)} loading={editing ? previews[i]?.isPending ?? false : data.isPending}
                  editing={editing} csvUrl={id && !dirty ? exportUrl(id, w.id, values) : null}
                  onEdit={() => setEditWidget(w)} onRemove={() => update({ ...def, widgets: def.widgets.filter((x) => x.id !== w.id) })}
                  onPoint={onPoint(w)} />
              </div>
            ))}
          </ReactGridLayout>
        )}
      </div>
      {editWidget && <WidgetEditor appId={appId} forms={forms} widget={editWidget} onSave={applyWidget} onCancel={() => setEditWidget(null)} />}
      {id && <DrillDrawer appId={appId} dashboardId={id} target={drill} filters={values} onClose={() => setDrill(null)}
        onLink={(target) => { linkBy(target); setDrill(null); }} />}
    </div>
  );
}
