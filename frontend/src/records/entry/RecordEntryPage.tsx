// Placeholder until this page lands.
import { Result } from 'antd';
import { useTranslation } from 'react-i18next';

export default function RecordEntryPage() {
  const { t } = useTranslation();
  return <Result title={t('common.comingSoon')} />;
}
