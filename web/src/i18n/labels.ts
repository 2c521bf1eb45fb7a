/**
 * Labels for domain codes in the current language. Role, engineer level and severity texts come
 * from common/domain.ts (shared with the server); the rest from the i18n resources.
 */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import {
  ENGINEER_LEVEL_LABELS,
  ROLE_LABELS,
  SEVERITY_DEFINITIONS,
  type Category,
  type CenterLevel,
  type Channel,
  type EngineerLevel,
  type Role,
  type Severity,
  type TicketStatus,
  type TicketType,
} from '../../../common/domain';

export function useLabels() {
  const { t, i18n } = useTranslation();
  const lang: 'zh' | 'en' = i18n.language === 'en' ? 'en' : 'zh';
  return useMemo(
    () => ({
      lang,
      role: (role: string) => ROLE_LABELS[role as Role]?.[lang] ?? role,
      level: (level: string | null | undefined) => (level ? (ENGINEER_LEVEL_LABELS[level as EngineerLevel]?.[lang] ?? level) : ''),
      severityName: (severity: Severity) => SEVERITY_DEFINITIONS[severity][lang].name,
      severityText: (severity: Severity) => SEVERITY_DEFINITIONS[severity][lang].text,
      status: (status: TicketStatus) => t(`status.${status}`),
      channel: (channel: Channel) => t(`channel.${channel}`),
      type: (type: TicketType) => t(`ticketType.${type}`),
      category: (category: Category) => t(`category.${category}`),
      centerLevel: (level: CenterLevel) => t(`centerLevel.${level}`),
    }),
    [t, lang],
  );
}

export type Labels = ReturnType<typeof useLabels>;
