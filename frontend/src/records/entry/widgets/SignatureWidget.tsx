// Signature pad: draw with finger or mouse, saved as a PNG file reference.
import { useEffect, useRef, useState } from 'react';
import { Button, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { apiUrl, upload } from '../../../api/client';
import type { FileRef } from '../../../api/types';
import { useNotify } from '../../../common/useNotify';
import type { WidgetProps } from './types';

export function SignatureWidget(p: WidgetProps) {
  const { t } = useTranslation();
  const notify = useNotify();
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawing = useRef(false);
  const [dirty, setDirty] = useState(false);
  const [saving, setSaving] = useState(false);
  const ref = p.value as FileRef | null;

  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const ctx = c.getContext('2d');
    if (!ctx) return;
    ctx.lineWidth = 2.5;
    ctx.lineCap = 'round';
    ctx.strokeStyle = '#1f2329';
  }, [ref]);

  const point = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    return [((e.clientX - r.left) * e.currentTarget.width) / r.width, ((e.clientY - r.top) * e.currentTarget.height) / r.height] as const;
  };

  const clear = () => {
    const c = canvas.current;
    c?.getContext('2d')?.clearRect(0, 0, c.width, c.height);
    setDirty(false);
  };

  const save = () => {
    canvas.current?.toBlob((blob) => {
      if (!blob) return;
      const form = new FormData();
      form.append('file', blob, 'signature.png');
      setSaving(true);
      upload<FileRef>('/files', form).then((r) => { p.onChange(r); setDirty(false); }, notify.error).finally(() => setSaving(false));
    }, 'image/png');
  };

  if (ref && typeof ref === 'object' && ref.id) {
    return (
      <Space direction="vertical">
        <img src={apiUrl(`/files/${ref.id}`)} alt={t('records.signature')} style={{ maxWidth: 320, border: '1px solid #e8eaee', borderRadius: 6, background: '#fff' }} />
        {!p.disabled && <Button size="small" onClick={() => p.onChange(null)}>{t('records.signAgain')}</Button>}
      </Space>
    );
  }
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <canvas
        ref={canvas}
        width={640}
        height={220}
        aria-label={t('records.signature')}
        style={{ width: '100%', maxWidth: 420, height: 'auto', aspectRatio: '640 / 220', border: '1px dashed #bfc5cf', borderRadius: 6, background: '#fff', touchAction: 'none' }}
        onPointerDown={(e) => {
          if (p.disabled) return;
          drawing.current = true;
          e.currentTarget.setPointerCapture(e.pointerId);
          const [x, y] = point(e);
          const ctx = e.currentTarget.getContext('2d')!;
          ctx.beginPath();
          ctx.moveTo(x, y);
        }}
        onPointerMove={(e) => {
          if (!drawing.current) return;
          const [x, y] = point(e);
          const ctx = e.currentTarget.getContext('2d')!;
          ctx.lineTo(x, y);
          ctx.stroke();
          setDirty(true);
        }}
        onPointerUp={() => { drawing.current = false; }}
      />
      <Space>
        <Button size="small" onClick={clear} disabled={!dirty}>{t('records.clear')}</Button>
        <Button size="small" type="primary" onClick={save} disabled={!dirty} loading={saving}>{t('records.useSignature')}</Button>
      </Space>
    </Space>
  );
}
