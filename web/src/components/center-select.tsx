/**
 * The service-center select: the centers as a tree. A file of its own so that antd's tree select
 * stays out of the pages that only need the other selects (the queue).
 */
import { TreeSelect } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useCenters } from '../api/admin';
import { centerTree, fieldProps, type ValueProps } from './selects';

export function CenterSelect({ allowClear = true, exclude, ...props }: ValueProps<string | null | undefined> & { exclude?: string }) {
  const { t } = useTranslation();
  const centers = useCenters();
  const tree = useMemo(() => centerTree((centers.data ?? []).filter((c) => c.id !== exclude)), [centers.data, exclude]);
  return (
    <TreeSelect
      {...fieldProps({ ...props, allowClear }, null, t('users.center'))}
      treeData={tree}
      treeDefaultExpandAll
      showSearch={{ treeNodeFilterProp: 'title' }}
      loading={centers.isLoading}
    />
  );
}
