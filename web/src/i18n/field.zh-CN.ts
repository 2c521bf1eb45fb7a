/**
 * Chinese texts of the field-service pages (issue 12): the dispatch board, the engineer's visits on a phone, the visit
 * with its service record and the customer's signature, the on-call rota, and the ticket page's visits and engineers
 * panels. A chunk of its own, merged into i18next when such a page loads (`withPageTexts(import(…), 'field')` in
 * app.tsx; the ticket page loads it too). Menu labels stay in zh-CN.ts (`nav`). field.en.ts mirrors these keys.
 * One top-level block per page family, so each can grow on its own.
 */
export const fieldZhCN = {
  dispatch: {
    title: '派工看板',
  },
  visits: {
    title: '我的上门',
  },
  records: {
    title: '服务记录单',
  },
  rota: {
    title: '值班表',
  },
  consultation: {
    title: '处理人员',
  },
};
