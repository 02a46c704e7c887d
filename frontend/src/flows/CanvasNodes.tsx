// Custom React Flow nodes: the trigger and a step, with branch handles, errors, counters and test path.
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { Badge, Tooltip } from 'antd';
import { WarningFilled } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { NODE_ICONS, outputBranches, TRIGGER_ICON_FALLBACK, TRIGGER_ICONS } from './catalog';
import type { Label } from '../api/types';
import { labelText } from '../common/label';
import type { CanvasNode } from './graph';
import type { FlowNode } from './types';

function summary(node: FlowNode, t: (k: string, o?: Record<string, unknown>) => string, lang: string): string {
  // Per-language texts ({"zh", "en"}) show in the viewer's language.
  const s = (v: unknown) => (typeof v === 'string' ? v : v && typeof v === 'object' ? labelText(v as Label, lang, '') : '');
  switch (node.type) {
    case 'condition': case 'switch': return s(node.expression);
    case 'wait': return s(node.duration);
    case 'wait_until': return s(node.until) || t('untilEvent');
    case 'send_message': return `${t(`channels.${s(node.channel) || 'inapp'}`)} · ${s(node.body).slice(0, 40)}`;
    case 'create_task': case 'approval': return s(node.title);
    case 'http_request': return `${s(node.method)} ${s(node.url)}`;
    case 'set_variable': return Object.keys((node.set as object) ?? {}).join(', ');
    case 'create_record': case 'query_records': return s(node.form);
    case 'update_record': case 'delete_record':
      if (node.for_each) return `${t('targetEach')} · ${s(node.for_each)}`;
      return typeof node.target === 'object' ? s((node.target as { form?: string }).form) : t('targetRecord');
    case 'query_report': return s((node.spec as { source?: string } | undefined)?.source);
    case 'end': return node.status === 'cancelled' ? t('endCancelled') : '';
    default: return '';
  }
}

function Frame({ selected, data, icon, title, sub, testId, children }: {
  selected: boolean; data: CanvasNode['data']; icon: React.ReactNode; title: string; sub: string; testId: string; children?: React.ReactNode;
}) {
  const { t } = useTranslation('flows');
  const errors = data.errors ?? [];
  const border = errors.length ? '#ff4d4f' : data.highlighted ? '#52c41a' : selected ? '#1677ff' : '#d9d9d9';
  return (
    <div className="fl-flow-node" data-testid={testId} data-highlighted={data.highlighted ? 'true' : undefined}
      style={{ width: 220, background: '#fff', border: `2px solid ${border}`, borderRadius: 8, padding: '8px 10px',
        boxShadow: data.highlighted ? '0 0 0 4px rgba(82,196,26,.2)' : '0 1px 3px rgba(0,0,0,.08)' }}>
      <div style={{ display: 'flex', gap: 8, alignItems: 'center', fontWeight: 600 }}>
        <span style={{ color: '#1677ff' }}>{icon}</span>
        <span style={{ flex: 1, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>{title}</span>
        {errors.length > 0 && (
          <Tooltip title={<div data-testid="node-errors">{errors.map((e, i) => <div key={i}>{e}</div>)}</div>}>
            <WarningFilled style={{ color: '#ff4d4f' }} aria-label={t('hasErrors')} />
          </Tooltip>
        )}
      </div>
      {sub && <div style={{ fontSize: 12, color: '#666', overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>{sub}</div>}
      {errors.length > 0 && <div style={{ fontSize: 12, color: '#ff4d4f' }} data-testid="node-error-text">{errors[0]}</div>}
      {data.testNote && <div style={{ fontSize: 12, color: '#389e0d' }}>{data.testNote}</div>}
      {data.stats && (
        <div style={{ display: 'flex', gap: 6, marginTop: 4, fontSize: 11 }} data-testid="node-stats">
          <Tooltip title={t('stats.entered')}><Badge color="blue" text={<span data-testid="stat-entered">{data.stats.entered}</span>} /></Tooltip>
          <Tooltip title={t('stats.waiting')}><Badge color="gold" text={data.stats.waiting} /></Tooltip>
          <Tooltip title={t('stats.completed')}><Badge color="green" text={data.stats.completed} /></Tooltip>
          <Tooltip title={t('stats.failed')}><Badge color="red" text={data.stats.failed} /></Tooltip>
        </div>
      )}
      {children}
    </div>
  );
}

function BranchHandles({ branches }: { branches: string[] }) {
  const { t } = useTranslation('flows');
  if (branches.length === 1 && branches[0] === 'default') return <Handle type="source" position={Position.Bottom} id="default" />;
  return (
    <>
      {branches.map((b, i) => {
        const left = `${((i + 1) * 100) / (branches.length + 1)}%`;
        return (
          <div key={b}>
            <Handle type="source" position={Position.Bottom} id={b} style={{ left }} data-testid={`handle-${b}`} />
            <span style={{ position: 'absolute', bottom: -20, left, transform: 'translateX(-50%)', fontSize: 10, color: '#888', whiteSpace: 'nowrap' }}>
              {t(`branch.${b}`, { defaultValue: b })}
            </span>
          </div>
        );
      })}
    </>
  );
}

export function TriggerNode({ data, selected }: NodeProps<CanvasNode>) {
  const { t } = useTranslation('flows');
  const trigger = data.trigger!;
  return (
    <Frame selected={!!selected} data={data} testId="flow-node-trigger" icon={TRIGGER_ICONS[trigger.type] ?? TRIGGER_ICON_FALLBACK}
      title={t(`trigger.${trigger.type}`)} sub={[trigger.form, trigger.condition].filter(Boolean).join(' · ')}>
      <Handle type="source" position={Position.Bottom} id="default" />
    </Frame>
  );
}

export function StepNode({ data, selected, id }: NodeProps<CanvasNode>) {
  const { t, i18n } = useTranslation('flows');
  const node = data.node!;
  return (
    <Frame selected={!!selected} data={data} testId={`flow-node-${id}`} icon={NODE_ICONS[node.type]}
      title={labelText(node.name, i18n.language, '') || t(`node.${node.type}`)} sub={summary(node, t, i18n.language)}>
      <Handle type="target" position={Position.Top} />
      <BranchHandles branches={[...outputBranches(node), ...(data.extraBranches ?? [])]} />
    </Frame>
  );
}

export const nodeTypes = { trigger: TriggerNode, step: StepNode };
