import { describe, expect, it } from 'vitest';
import { normalizePhone, phoneDigits } from './phone';

describe('normalizePhone', () => {
  it.each([
    ['13800138000', '13800138000'],
    ['138-0013-8000', '13800138000'],
    ['+86 138 0013 8000', '13800138000'],
    ['+86-138-0013-8000', '13800138000'],
    ['008613800138000', '13800138000'],
    ['8613800138000', '13800138000'],
    ['１３８００１３８０００', '13800138000'],
    ['(010) 6552-1234', '01065521234'],
    ['010-65521234 转 8001', '01065521234'],
    ['010-65521234 ext. 12', '01065521234'],
    ['+86 10 6552 1234', '01065521234'],
    ['+86 (0)10 6552 1234', '01065521234'],
    ['0571-88886666#123', '057188886666'],
    ['+1 (415) 555-0100', '+14155550100'],
    ['001 415 555 0100', '+14155550100'],
    ['', ''],
  ])('%s → %s', (input, expected) => {
    expect(normalizePhone(input)).toBe(expected);
  });

  it('gives the same key for every way of writing one number', () => {
    const forms = ['13912345678', '+86 139 1234 5678', '0086-139-1234-5678', '139 1234 5678'];
    expect(new Set(forms.map(normalizePhone)).size).toBe(1);
  });

  it('phoneDigits drops the + of foreign numbers for partial matching', () => {
    expect(phoneDigits('+1 415 555 0100')).toBe('14155550100');
    expect(phoneDigits('0013')).toBe('13');
  });
});
