// Two languages, every visible string in web/src/locales/*.json (test/web-locales.test.ts checks
// that both files have the same keys). The first visit follows the browser (zh* → Chinese, else
// English); a choice in the header is remembered in localStorage.
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './locales/en.json';
import zhCN from './locales/zh-CN.json';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = 'jiaozhou.language';

const isLanguage = (v: unknown): v is Language => LANGUAGES.includes(v as Language);

export function detectLanguage(): Language {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (isLanguage(stored)) return stored;
  } catch { /* storage disabled: follow the browser */ }
  return (navigator.language ?? '').toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export function setLanguage(language: Language): void {
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch { /* not remembered, still switched */ }
  void i18n.changeLanguage(language);
}

export function currentLanguage(): Language {
  return isLanguage(i18n.language) ? i18n.language : 'en';
}

i18n.on('languageChanged', (lng) => {
  document.documentElement.lang = lng;
});

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
  lng: detectLanguage(),
  fallbackLng: 'en',
  supportedLngs: [...LANGUAGES],
  interpolation: { escapeValue: false },
  returnEmptyString: false,
  // Resources are bundled: initialise synchronously so the first render is already translated.
  initAsync: false,
});
document.documentElement.lang = i18n.language;

export default i18n;
