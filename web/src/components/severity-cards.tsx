/** P1–P4 as four radio cards, each with its definition, so the caller's impact decides the level. */
import { Radio } from 'antd';
import { SEVERITIES, type Severity } from '../../../common/domain';
import { useLabels } from '../i18n/labels';
import { SEVERITY_COLORS } from './tags';

export function SeverityCards({
  value,
  onChange,
  id,
  columns = 4,
}: {
  value?: Severity;
  onChange?: (value: Severity) => void;
  id?: string;
  /** 4 in a row on pages, 2 in dialogs. */
  columns?: 2 | 4;
}) {
  const labels = useLabels();
  return (
    <Radio.Group id={id} value={value} onChange={(e) => onChange?.(e.target.value as Severity)} className={columns === 2 ? 'severity-cards severity-cards-2' : 'severity-cards'}>
      {SEVERITIES.map((severity) => (
        <Radio
          key={severity}
          value={severity}
          className={`severity-card severity-card-${SEVERITY_COLORS[severity]}`}
        >
          <span className="severity-card-body" data-testid={`severity-${severity}`}>
            <span className="severity-card-title">
              <span className={`severity-code severity-code-${severity}`}>{severity}</span> {labels.severityName(severity)}
            </span>
            <span className="severity-card-text">{labels.severityText(severity)}</span>
          </span>
        </Radio>
      ))}
    </Radio.Group>
  );
}
