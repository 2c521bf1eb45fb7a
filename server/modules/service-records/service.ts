/** Service records (服务记录单): draft, sign or refuse, versions, verify, PDF (field service, issue 12). */
import type { FieldServiceDeps } from '../field-service-deps';

export function createServiceRecordService(deps: FieldServiceDeps) {
  void deps;
  return {};
}

export type ServiceRecordService = ReturnType<typeof createServiceRecordService>;
