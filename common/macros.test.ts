import { describe, expect, it } from 'vitest';
import { placeholdersIn, renderMacro, unknownPlaceholders, type MacroValues } from './macros';

const values: MacroValues = {
  customer: '华东电力',
  contact: '李四',
  ticket: 'FW-2026-000042',
  title: '核心交换机宕机',
  engineer: '张三',
  me: '王五',
  severity: 'P1',
};

describe('macro placeholders', () => {
  it('renders every known placeholder, with or without spaces inside the braces, as often as used', () => {
    expect(renderMacro('{{contact}}您好，工单 {{ ticket }}（{{title}}）由{{engineer}}处理。{{ticket}} / {{severity}} —— {{me}}@{{customer}}', values)).toBe(
      '李四您好，工单 FW-2026-000042（核心交换机宕机）由张三处理。FW-2026-000042 / P1 —— 王五@华东电力',
    );
  });

  it('leaves unknown placeholders and lone braces as written, and reports the unknown ones once', () => {
    const body = '{{custmer}} {{Customer}} {customer} {{}} {{customer}} {{custmer}}';
    expect(renderMacro(body, values)).toBe('{{custmer}} {{Customer}} {customer} {{}} 华东电力 {{custmer}}');
    expect(unknownPlaceholders(body)).toEqual(['custmer', 'Customer', '']);
    expect(placeholdersIn('{{me}}{{me}} {{ticket}}')).toEqual(['me', 'ticket']);
  });

  it('does not re-render values that themselves look like placeholders', () => {
    expect(renderMacro('{{customer}}', { ...values, customer: '{{me}}' })).toBe('{{me}}');
  });
});
