// Address: province from the official list, city and district typed, then the street detail.
import { Input, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import type { WidgetProps } from './types';

export const PROVINCES = [
  '北京市', '天津市', '河北省', '山西省', '内蒙古自治区', '辽宁省', '吉林省', '黑龙江省', '上海市', '江苏省', '浙江省',
  '安徽省', '福建省', '江西省', '山东省', '河南省', '湖北省', '湖南省', '广东省', '广西壮族自治区', '海南省', '重庆市',
  '四川省', '贵州省', '云南省', '西藏自治区', '陕西省', '甘肃省', '青海省', '宁夏回族自治区', '新疆维吾尔自治区',
  '台湾省', '香港特别行政区', '澳门特别行政区',
];

interface Address { province?: string; city?: string; district?: string; detail?: string }

export function AddressWidget(p: WidgetProps) {
  const { t } = useTranslation();
  const v = (p.value && typeof p.value === 'object' ? p.value : {}) as Address;
  const set = (patch: Partial<Address>) => {
    const next = { ...v, ...patch };
    const empty = !next.province && !next.city && !next.district && !next.detail;
    p.onChange(empty ? null : next);
  };
  return (
    <Space direction="vertical" style={{ width: '100%', maxWidth: 520 }}>
      <Space.Compact style={{ width: '100%' }}>
        <Select id={p.id} value={v.province || undefined} options={PROVINCES.map((x) => ({ value: x, label: x }))} showSearch allowClear
          placeholder={t('records.province')} disabled={p.disabled} style={{ width: '36%' }} onChange={(x) => set({ province: x ?? '' })} />
        <Input value={v.city ?? ''} placeholder={t('records.city')} disabled={p.disabled} style={{ width: '32%' }} onChange={(e) => set({ city: e.target.value })} />
        <Input value={v.district ?? ''} placeholder={t('records.district')} disabled={p.disabled} style={{ width: '32%' }} onChange={(e) => set({ district: e.target.value })} />
      </Space.Compact>
      <Input value={v.detail ?? ''} placeholder={t('records.addressDetail')} disabled={p.disabled} onChange={(e) => set({ detail: e.target.value })} />
    </Space>
  );
}
