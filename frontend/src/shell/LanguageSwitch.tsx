// Header control that switches between 中文 and English.
import { Segmented } from 'antd';
import { useTranslation } from 'react-i18next';
import { changeLanguage, type Language } from '../i18n';

export function LanguageSwitch() {
  const { i18n, t } = useTranslation();
  return (
    <Segmented<Language>
      size="small"
      aria-label={t('common.language')}
      value={i18n.language === 'zh-CN' ? 'zh-CN' : 'en'}
      options={[
        { label: '中文', value: 'zh-CN' },
        { label: 'EN', value: 'en' },
      ]}
      onChange={(lang) => void changeLanguage(lang)}
      data-testid="language-switch"
    />
  );
}
