/** Free-text tags (phone numbers, skills): Enter or a comma adds one; leaving the field keeps what was typed. */
import { Select } from 'antd';
import { useState } from 'react';

export function TagsInput({
  value,
  onChange,
  id,
  placeholder,
  'data-testid': testId,
}: {
  value?: string[];
  onChange?: (value: string[]) => void;
  id?: string;
  placeholder?: string;
  'data-testid'?: string;
}) {
  const [search, setSearch] = useState('');
  const commit = () => {
    const typed = search.trim();
    if (typed && !(value ?? []).includes(typed)) onChange?.([...(value ?? []), typed]);
    setSearch('');
  };
  return (
    <Select
      id={id}
      mode="tags"
      open={false}
      suffixIcon={null}
      value={value}
      onChange={(next: string[]) => {
        onChange?.(next.map((v) => v.trim()).filter(Boolean));
        // Enter adds the typed tag but leaves the typed text in the box (antd 6 with a controlled search).
        setSearch('');
      }}
      showSearch={{ searchValue: search, onSearch: setSearch }}
      onBlur={commit}
      tokenSeparators={[',', '，', ';', '；']}
      placeholder={placeholder}
      data-testid={testId}
    />
  );
}
