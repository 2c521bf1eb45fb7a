/** A calendar day as 'YYYY-MM-DD' (the API's Day) in a date picker, for antd form fields. */
import { DatePicker } from 'antd';
import dayjs from 'dayjs';

export function DayInput({
  value,
  onChange,
  id,
  placeholder,
  'data-testid': testId,
}: {
  value?: string | null;
  onChange?: (value: string | null) => void;
  id?: string;
  placeholder?: string;
  'data-testid'?: string;
}) {
  return (
    <DatePicker
      id={id}
      value={value ? dayjs(value) : null}
      onChange={(d) => onChange?.(d ? d.format('YYYY-MM-DD') : null)}
      format="YYYY-MM-DD"
      placeholder={placeholder}
      style={{ width: '100%' }}
      data-testid={testId}
    />
  );
}
