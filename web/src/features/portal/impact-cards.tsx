/**
 * The impact in the customer's own words (down / limited / impaired / question), four radio cards
 * worded after the seed severity definitions; each says which level it suggests, which the service
 * desk then confirms. Same look as the staff's severity cards.
 */
import { Radio } from 'antd';
import { useTranslation } from 'react-i18next';
import { IMPACT_SEVERITY, IMPACTS, type Impact } from '../../../../common/domain';
import { SEVERITY_COLORS } from '../../components/tags';

export function ImpactCards({ value, onChange, id }: { value?: Impact; onChange?: (value: Impact) => void; id?: string }) {
  const { t } = useTranslation();
  return (
    <Radio.Group id={id} value={value} onChange={(e) => onChange?.(e.target.value as Impact)} className="severity-cards impact-cards">
      {IMPACTS.map((impact) => (
        <Radio key={impact} value={impact} className={`severity-card severity-card-${SEVERITY_COLORS[IMPACT_SEVERITY[impact]]}`}>
          <span className="severity-card-body" data-testid={`impact-${impact}`}>
            <span className="severity-card-title">{t(`impact.${impact}`)}</span>
            <span className="severity-card-text">{t(`impact.${impact}Text`)}</span>
            <span className="impact-card-level muted">{t('impact.suggests', { severity: IMPACT_SEVERITY[impact] })}</span>
          </span>
        </Radio>
      ))}
    </Radio.Group>
  );
}
