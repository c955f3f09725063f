/**
 * One i18next instance for the console: zh-CN by default, English on demand. Created per call so that
 * component tests get a fresh, isolated instance.
 */
import i18next, { type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Language } from '../../../../shared/contract';
import { en } from './en';
import { zhCN } from './zh-CN';

export function createI18n(lng: Language = 'zh-CN'): i18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
    lng,
    fallbackLng: 'zh-CN',
    interpolation: { escapeValue: false },
    initAsync: false,
    returnNull: false,
    showSupportNotice: false,
  });
  return instance;
}

/** The part of a bilingual API message ("中文 / English") for the current language. */
export function localMessage(message: string, lng: string): string {
  const at = message.indexOf(' / ');
  if (at < 0) return message;
  return lng.startsWith('zh') ? message.slice(0, at).trim() : message.slice(at + 3).trim();
}
