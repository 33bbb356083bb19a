import { describeUserAgent } from '../../../shared/src/auth-contracts';
import { t } from '../lib/i18n';

/** "Chrome on Android", "Safari", "Unknown browser": a session's device in the reader's words. */
export function deviceLabel(userAgent: string | null): string {
  const { browser, system } = describeUserAgent(userAgent);
  if (browser && system) return t('admin.account.device_on', { browser, system });
  return browser ?? system ?? t('admin.account.unknown_device');
}
