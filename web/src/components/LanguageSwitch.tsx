import { Segmented } from 'antd';
import { useTranslation } from 'react-i18next';
import { currentLanguage, LANGUAGES, setLanguage, type Language } from '../i18n';

/** 中文 / English, remembered in localStorage. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  void i18n.language; // re-render on change
  return (
    <Segmented<Language>
      size="small"
      aria-label={t('language.label')}
      value={currentLanguage()}
      options={LANGUAGES.map((l) => ({ value: l, label: <span lang={l}>{t(`language.${l}`)}</span> }))}
      onChange={setLanguage}
    />
  );
}
