/** 中文 / English switch; the choice persists in localStorage. */
import { GlobalOutlined } from '@ant-design/icons';
import { Segmented } from 'antd';
import { useTranslation } from 'react-i18next';
import { setLanguage, type Language } from '../i18n';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <span style={{ display: 'inline-flex', alignItems: 'center', gap: 6 }}>
      <GlobalOutlined aria-hidden style={{ color: 'rgba(0,0,0,.45)' }} />
      <Segmented<Language>
        size="small"
        aria-label={t('language.label')}
        data-testid="language-switch"
        value={i18n.language === 'en' ? 'en' : 'zh-CN'}
        onChange={(value) => void setLanguage(value)}
        options={[
          { value: 'zh-CN', label: t('language.zh') },
          { value: 'en', label: t('language.en') },
        ]}
      />
    </span>
  );
}
