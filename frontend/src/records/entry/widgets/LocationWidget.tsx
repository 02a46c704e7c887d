// Location: the device position (with permission) or typed coordinates, plus a label.
import { useState } from 'react';
import { AimOutlined } from '@ant-design/icons';
import { Button, Input, InputNumber, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNotify } from '../../../common/useNotify';
import type { WidgetProps } from './types';

interface Loc { lat?: number; lng?: number; label?: string }

export function LocationWidget(p: WidgetProps) {
  const { t } = useTranslation();
  const notify = useNotify();
  const [locating, setLocating] = useState(false);
  const v = (p.value && typeof p.value === 'object' ? p.value : {}) as Loc;
  const set = (patch: Partial<Loc>) => {
    const next = { ...v, ...patch };
    p.onChange(next.lat === undefined && next.lng === undefined && !next.label ? null : next);
  };
  const locate = () => {
    if (!navigator.geolocation) return notify.info(t('records.noGeolocation'));
    setLocating(true);
    navigator.geolocation.getCurrentPosition(
      (pos) => { setLocating(false); set({ lat: Number(pos.coords.latitude.toFixed(6)), lng: Number(pos.coords.longitude.toFixed(6)) }); },
      () => { setLocating(false); notify.info(t('records.noGeolocation')); },
      { enableHighAccuracy: true, timeout: 10_000 },
    );
  };
  return (
    <Space direction="vertical" style={{ width: '100%', maxWidth: 520 }}>
      <Space wrap>
        <InputNumber id={p.id} value={v.lat} min={-90} max={90} placeholder={t('records.latitude')} disabled={p.disabled} onChange={(x) => set({ lat: x ?? undefined })} />
        <InputNumber value={v.lng} min={-180} max={180} placeholder={t('records.longitude')} disabled={p.disabled} onChange={(x) => set({ lng: x ?? undefined })} />
        <Button icon={<AimOutlined />} onClick={locate} loading={locating} disabled={p.disabled}>{t('records.locateMe')}</Button>
      </Space>
      <Input value={v.label ?? ''} placeholder={t('records.locationLabel')} disabled={p.disabled} onChange={(e) => set({ label: e.target.value })} />
    </Space>
  );
}
