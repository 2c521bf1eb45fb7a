/**
 * What a request's actor is read from: the user, their center's materialised path, and whether
 * they are still active. Sessions and API tokens both resolve to an actor through these columns
 * (joined with `leftJoin(serviceCenters, eq(serviceCenters.id, users.centerId))`).
 */
import { serviceCenters, users } from '../../db/schema';

export const actorColumns = {
  id: users.id,
  username: users.username,
  name: users.name,
  role: users.role,
  customerId: users.customerId,
  centerId: users.centerId,
  centerPath: serviceCenters.path,
  active: users.active,
};
