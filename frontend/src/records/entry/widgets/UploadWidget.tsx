// File and image upload: each file goes to POST /files first, the field keeps the references.
import { useState } from 'react';
import { PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { Button, Progress, Upload, type UploadFile } from 'antd';
import { useTranslation } from 'react-i18next';
import { apiUrl, upload } from '../../../api/client';
import type { FileRef } from '../../../api/types';
import { useNotify } from '../../../common/useNotify';
import type { WidgetProps } from './types';

interface Pending { uid: string; name: string; percent: number }

export function UploadWidget(p: WidgetProps) {
  const { t } = useTranslation();
  const notify = useNotify();
  const refs = Array.isArray(p.value) ? (p.value as FileRef[]) : [];
  const [pending, setPending] = useState<Pending[]>([]);
  const image = p.field.type === 'image';
  const maxFiles = p.field.max_files ?? (image ? 9 : 10);
  const maxSize = p.field.max_size;

  const fileList: UploadFile[] = refs.map((r) => ({
    uid: r.id, name: r.name, status: 'done', url: apiUrl(`/files/${r.id}`),
    thumbUrl: image ? apiUrl(`/files/${r.id}`) : undefined,
  }));

  const beforeUpload = (file: File) => {
    if (maxSize && file.size > maxSize) {
      notify.info(t('records.fileTooLarge', { name: file.name, size: Math.round(maxSize / 1024 / 1024 * 10) / 10 }));
      return Upload.LIST_IGNORE;
    }
    if (refs.length + pending.length >= maxFiles) {
      notify.info(t('records.tooManyFiles', { max: maxFiles }));
      return Upload.LIST_IGNORE;
    }
    return true;
  };

  return (
    <div>
      <Upload
        id={p.id}
        multiple={maxFiles > 1}
        accept={p.field.accept ?? (image ? 'image/*' : undefined)}
        listType={image ? 'picture-card' : 'text'}
        fileList={fileList}
        disabled={p.disabled}
        beforeUpload={beforeUpload}
        onRemove={(f) => { p.onChange(refs.filter((r) => r.id !== f.uid)); return true; }}
        customRequest={({ file, onSuccess, onError }) => {
          const f = file as File & { uid: string };
          const form = new FormData();
          form.append('file', f, f.name);
          setPending((ps) => [...ps, { uid: f.uid, name: f.name, percent: 0 }]);
          upload<FileRef>('/files', form, (frac) =>
            setPending((ps) => ps.map((x) => (x.uid === f.uid ? { ...x, percent: Math.round(frac * 100) } : x))),
          ).then((ref) => {
            setPending((ps) => ps.filter((x) => x.uid !== f.uid));
            p.onChange([...(Array.isArray(p.value) ? (p.value as FileRef[]) : []), ref]);
            onSuccess?.(ref);
          }, (err) => {
            setPending((ps) => ps.filter((x) => x.uid !== f.uid));
            notify.error(err);
            onError?.(err as Error);
          });
        }}
      >
        {refs.length + pending.length < maxFiles && !p.disabled && (image
          ? <div><PlusOutlined /><div style={{ marginTop: 4 }}>{t('records.upload')}</div></div>
          : <Button icon={<UploadOutlined />}>{t('records.upload')}</Button>)}
      </Upload>
      {pending.map((x) => (
        <div key={x.uid} style={{ maxWidth: 360 }}>
          <span style={{ fontSize: 12 }}>{x.name}</span>
          <Progress percent={x.percent} size="small" />
        </div>
      ))}
    </div>
  );
}
