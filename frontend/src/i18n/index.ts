// i18next set-up for the SPA: zh-CN and en catalogues, browser default, remembered choice.
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en';
import { zhCN } from './zh-CN';
import { featureNamespaces } from './locales';
import { setApiLanguage } from '../api/client';
import { detectLanguage, rememberLanguage, type Language } from './language';

export { LANGUAGES, type Language } from './language';

export function setupI18n(initial: Language = detectLanguage()) {
  if (!i18n.isInitialized) {
    void i18n.use(initReactI18next).init({
      resources: {
        en: { translation: en, ...featureNamespaces.en },
        'zh-CN': { translation: zhCN, ...featureNamespaces['zh-CN'] },
      },
      lng: initial,
      fallbackLng: 'en',
      interpolation: { escapeValue: false },
      returnNull: false,
    });
  }
  setApiLanguage(initial);
  document.documentElement.lang = initial;
  return i18n;
}

export function changeLanguage(lang: Language) {
  rememberLanguage(lang);
  setApiLanguage(lang);
  document.documentElement.lang = lang;
  return i18n.changeLanguage(lang);
}

export default i18n;
