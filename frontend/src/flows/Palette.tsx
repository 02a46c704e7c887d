// The palette: every node type grouped, dragged onto the canvas (or clicked to append).
import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { NODE_GROUPS, NODE_ICONS } from './catalog';
import type { NodeType } from './types';

export const DRAG_TYPE = 'application/x-formloom-node';

export function Palette({ onAdd }: { onAdd: (type: NodeType) => void }) {
  const { t } = useTranslation('flows');
  return (
    <div style={{ width: 190, padding: 8, borderRight: '1px solid #eee', overflow: 'auto', background: '#fafafa' }} data-testid="flow-palette">
      {NODE_GROUPS.map(({ group, types }) => (
        <div key={group} style={{ marginBottom: 12 }}>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t(`group.${group}`)}</Typography.Text>
          {types.map((type) => (
            <div key={type} draggable role="button" tabIndex={0} data-testid={`palette-${type}`} title={t(`nodeHelp.${type}`)}
              onDragStart={(e) => { e.dataTransfer.setData(DRAG_TYPE, type); e.dataTransfer.effectAllowed = 'move'; }}
              onDoubleClick={() => onAdd(type)}
              onKeyDown={(e) => { if (e.key === 'Enter') onAdd(type); }}
              style={{ display: 'flex', gap: 8, alignItems: 'center', padding: '6px 8px', margin: '4px 0', background: '#fff',
                border: '1px solid #e5e5e5', borderRadius: 6, cursor: 'grab', fontSize: 13 }}>
              <span style={{ color: '#1677ff' }}>{NODE_ICONS[type]}</span>{t(`node.${type}`)}
            </div>
          ))}
        </div>
      ))}
      <Typography.Text type="secondary" style={{ fontSize: 11 }}>{t('paletteHelp')}</Typography.Text>
    </div>
  );
}
