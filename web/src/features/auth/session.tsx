/** The logged-in user for every page below the shell, and what they may do. */
import { createContext, useContext } from 'react';
import { isCustomerRole } from '../../../../common/domain';
import type { Permission } from '../../../../common/permissions';
import type { Me } from '../../api/types';

export const MeContext = createContext<Me | null>(null);

export function useMe(): Me {
  const me = useContext(MeContext);
  if (!me) throw new Error('useMe() outside the logged-in shell');
  return me;
}

/** `can('tickets.update')`: whether the server granted this capability (it checks again anyway). */
export function useCan() {
  const me = useMe();
  return (permission: Permission) => me.permissions.includes(permission);
}

export const isPortalUser = (me: Me) => isCustomerRole(me.role);
