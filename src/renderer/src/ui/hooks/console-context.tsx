/**
 * What every screen needs: the ConsoleApi, the live status, the settings, and a way to report a
 * network failure (which turns the offline banner on until the next successful call).
 */
import { createContext, useContext } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConsoleApi, ErrorInfo, SettingsDto, StatusDto } from '../../../../shared/contract';
import { localMessage } from '../i18n';

export interface ConsoleContextValue {
  api: ConsoleApi;
  status: StatusDto | null;
  settings: SettingsDto | null;
  setSettings: (s: SettingsDto) => void;
  /** Called with every failed Result: NETWORK errors switch the console to "offline". */
  reportError: (error: ErrorInfo) => void;
}

export const ConsoleContext = createContext<ConsoleContextValue | null>(null);

export function useConsole(): ConsoleContextValue {
  const value = useContext(ConsoleContext);
  if (!value) throw new Error('useConsole outside ConsoleContext');
  return value;
}

/** `errorText(error)` → the part of a bilingual API message for the current language. */
export function useErrorText(): (error: ErrorInfo | string) => string {
  const { i18n } = useTranslation();
  return (error) => localMessage(typeof error === 'string' ? error : error.message, i18n.language);
}
