/** Service records (服务记录单): draft, sign or refuse, versions, verify, PDF: HTTP routes (field service, issue 12). */
import type { FastifyInstance } from 'fastify';
import type { ServiceRecordService } from './service';

export function serviceRecordRoutes(app: FastifyInstance, deps: { serviceRecords: ServiceRecordService }) {
  void app;
  void deps;
}
