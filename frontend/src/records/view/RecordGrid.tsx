// Virtualised record grid (TanStack Table + Virtual): resizable, reorderable columns, server sort,
// selection, in-cell editing of simple fields, more rows loaded as the user scrolls.
import { useEffect, useMemo, useRef, type CSSProperties } from 'react';
import { closestCenter, DndContext, PointerSensor, useSensor, useSensors, type DragEndEvent } from '@dnd-kit/core';
import { horizontalListSortingStrategy, SortableContext, useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { CaretDownOutlined, CaretUpOutlined } from '@ant-design/icons';
import {
  columnOrderingFeature, columnResizingFeature, columnSizingFeature, columnVisibilityFeature, createColumnHelper,
  tableFeatures, useTable, type ColumnSizingState,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { Checkbox, Empty, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import type { FieldDef, FormInfo, RecordItem } from '../../api/types';
import { labelText } from '../../common/label';
import { cellText, type DisplayContext } from '../display';
import { RelationText } from '../shared/RelationText';
import { CellEditor, isInlineEditable } from './CellEditor';
import type { SortSpec } from './viewState';
import './grid.css';

const features = tableFeatures({ columnSizingFeature, columnResizingFeature, columnOrderingFeature, columnVisibilityFeature });
const helper = createColumnHelper<typeof features, RecordItem>();
const ROW_HEIGHT = 38;

export interface RecordGridProps {
  fields: FieldDef[];
  forms?: FormInfo[];
  rows: RecordItem[];
  columnOrder: string[];
  hidden: string[];
  widths: Record<string, number>;
  sort: SortSpec | null;
  selected: Set<string>;
  loading: boolean;
  hasMore: boolean;
  display: DisplayContext;
  editing: { id: string; key: string } | null;
  onLoadMore: () => void;
  onSort: (key: string) => void;
  onWidths: (w: Record<string, number>) => void;
  onOrder: (order: string[]) => void;
  onSelect: (ids: Set<string>) => void;
  onOpen: (record: RecordItem) => void;
  onEdit: (cell: { id: string; key: string } | null) => void;
  onCommit: (record: RecordItem, key: string, value: unknown) => void;
}

function HeaderCell({ id, width, children }: { id: string; width: number; children: React.ReactNode }) {
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({ id });
  const style: CSSProperties = {
    width, transform: CSS.Translate.toString(transform), transition, opacity: isDragging ? 0.7 : 1, zIndex: isDragging ? 3 : undefined,
  };
  return <div ref={setNodeRef} className="fl-grid-th" style={style} {...attributes} {...listeners} role="columnheader">{children}</div>;
}

export function RecordGrid(p: RecordGridProps) {
  const { t, i18n } = useTranslation();
  const scrollRef = useRef<HTMLDivElement>(null);
  const byKey = useMemo(() => new Map(p.fields.map((f) => [f.key, f])), [p.fields]);

  const columns = useMemo(() => helper.columns(p.fields.map((f) =>
    helper.accessor((r: RecordItem) => r.data[f.key], {
      id: f.key,
      header: labelText(f.label, i18n.language, f.key),
      size: p.widths[f.key] ?? (f.type === 'number' || f.type === 'rating' ? 120 : f.type === 'date' ? 130 : 180),
      minSize: 60,
      maxSize: 800,
    }),
  )), [p.fields, i18n.language, p.widths]);

  const columnVisibility = useMemo(() => Object.fromEntries(p.hidden.map((k) => [k, false])), [p.hidden]);
  const columnSizing = useMemo<ColumnSizingState>(() => ({ ...p.widths }), [p.widths]);

  const table = useTable({
    features,
    columns,
    data: p.rows,
    getRowId: (r: RecordItem) => r.id,
    columnResizeMode: 'onChange',
    state: { columnOrder: p.columnOrder, columnVisibility, columnSizing },
    onColumnSizingChange: (updater) => {
      const next = typeof updater === 'function' ? updater(columnSizing) : updater;
      p.onWidths(next);
    },
    onColumnOrderChange: (updater) => {
      const next = typeof updater === 'function' ? updater(p.columnOrder) : updater;
      p.onOrder(next);
    },
  });

  const rows = table.getRowModel().rows;
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.length ? items[items.length - 1].index : 0;
  const { hasMore, loading, onLoadMore } = p;
  useEffect(() => {
    if (hasMore && !loading && lastIndex >= rows.length - 30) onLoadMore();
  }, [lastIndex, rows.length, hasMore, loading, onLoadMore]);

  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 6 } }));
  const headers = table.getHeaderGroups()[0]?.headers ?? [];
  const visibleIds = headers.map((h) => h.column.id);
  const onDragEnd = (e: DragEndEvent) => {
    if (!e.over || e.active.id === e.over.id) return;
    const order = table.getAllLeafColumns().map((c) => c.id);
    const from = order.indexOf(String(e.active.id)), to = order.indexOf(String(e.over.id));
    const next = [...order];
    next.splice(to, 0, ...next.splice(from, 1));
    p.onOrder(next);
  };
  const totalWidth = 44 + headers.reduce((w, h) => w + h.getSize(), 0);
  const allSelected = p.rows.length > 0 && p.rows.every((r) => p.selected.has(r.id));

  return (
    <div ref={scrollRef} className="fl-grid" role="grid" aria-rowcount={rows.length} data-testid="record-grid">
      <div className="fl-grid-head" style={{ width: totalWidth }}>
        <div className="fl-grid-th fl-grid-check">
          <Checkbox checked={allSelected} indeterminate={!allSelected && p.selected.size > 0} aria-label={t('records.selectAll')}
            onChange={(e) => p.onSelect(e.target.checked ? new Set(p.rows.map((r) => r.id)) : new Set())} />
        </div>
        <DndContext sensors={sensors} collisionDetection={closestCenter} onDragEnd={onDragEnd}>
          <SortableContext items={visibleIds} strategy={horizontalListSortingStrategy}>
            {headers.map((h) => {
              const sorted = p.sort?.key === h.column.id ? (p.sort.desc ? 'desc' : 'asc') : null;
              return (
                <HeaderCell key={h.id} id={h.column.id} width={h.getSize()}>
                  <button type="button" className="fl-grid-sort" onClick={() => p.onSort(h.column.id)} title={t('records.sortBy')}>
                    <span className="fl-grid-label"><table.FlexRender header={h} /></span>
                    {sorted === 'asc' && <CaretUpOutlined />}
                    {sorted === 'desc' && <CaretDownOutlined />}
                  </button>
                  <div
                    className="fl-grid-resizer"
                    role="separator"
                    aria-label={t('records.resizeColumn')}
                    onPointerDown={(e) => e.stopPropagation()}
                    onMouseDown={(e) => { e.stopPropagation(); h.getResizeHandler()(e); }}
                    onTouchStart={(e) => { e.stopPropagation(); h.getResizeHandler()(e); }}
                  />
                </HeaderCell>
              );
            })}
          </SortableContext>
        </DndContext>
      </div>
      {rows.length === 0 && !p.loading ? (
        <Empty style={{ padding: 48 }} description={t('records.noRecords')} />
      ) : (
        <div style={{ height: virtualizer.getTotalSize(), width: totalWidth, position: 'relative' }}>
          {items.map((item) => {
            const row = rows[item.index];
            const record = row.original;
            const isSelected = p.selected.has(record.id);
            return (
              <div key={row.id} role="row" aria-rowindex={item.index + 1} className={isSelected ? 'fl-grid-tr fl-selected' : 'fl-grid-tr'}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }} data-record-id={record.id}>
                <div className="fl-grid-td fl-grid-check" onClick={(e) => e.stopPropagation()}>
                  <Checkbox checked={isSelected} aria-label={t('records.selectRow')} onChange={(e) => {
                    const next = new Set(p.selected);
                    if (e.target.checked) next.add(record.id); else next.delete(record.id);
                    p.onSelect(next);
                  }} />
                </div>
                {row.getVisibleCells().map((cell) => {
                  const field = byKey.get(cell.column.id)!;
                  const editing = p.editing?.id === record.id && p.editing.key === field.key;
                  return (
                    <div key={cell.id} role="gridcell" className="fl-grid-td" style={{ width: cell.column.getSize() }}
                      onClick={() => !editing && p.onOpen(record)}
                      onDoubleClick={(e) => {
                        if (!isInlineEditable(field)) return;
                        e.stopPropagation();
                        p.onEdit({ id: record.id, key: field.key });
                      }}>
                      {editing ? (
                        <CellEditor field={field} value={record.data[field.key] ?? null}
                          onCancel={() => p.onEdit(null)} onCommit={(v) => p.onCommit(record, field.key, v)} />
                      ) : field.type === 'relation' ? (
                        <span className="fl-grid-text"><RelationText field={field} value={record.data[field.key]} forms={p.forms} /></span>
                      ) : (
                        <span className="fl-grid-text">{cellText(field, record.data[field.key], p.display)}</span>
                      )}
                    </div>
                  );
                })}
              </div>
            );
          })}
        </div>
      )}
      {p.loading && <div className="fl-grid-loading"><Spin size="small" /></div>}
    </div>
  );
}
