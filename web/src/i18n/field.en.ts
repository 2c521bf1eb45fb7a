/** English texts of the field-service pages (see field.zh-CN.ts); `Messages` keeps the keys in step. */
import type { Messages } from './en';
import type { fieldZhCN } from './field.zh-CN';

export const fieldEn: Messages<typeof fieldZhCN> = {
  dispatch: {
    title: 'Dispatch board',
  },
  visits: {
    title: 'My visits',
  },
  records: {
    title: 'Service record',
  },
  rota: {
    title: 'On-call rota',
  },
  consultation: {
    title: 'Engineers',
  },
};
