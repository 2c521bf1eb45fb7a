/** Issue 11 — skeleton wired into app.ts; the owner of this folder fills it in. */
import type { Db } from '../../db/client';
import type { Clock } from '../../platform/clock';
import type { Audit } from '../audit';

export interface ProductDeps {
  db: Db;
  clock: Clock;
  audit: Audit;
  /** The desk's time zone (config.timeZone): calendar days (warranty, contract periods) are judged in it. */
  timeZone: string;
  /** Where stored files live (attachments folder) and the upload limit. */
  filesDir: string;
  maxUploadBytes: number;
}

export function createProductService(deps: ProductDeps) {
  void deps;
  return {};
}
export type ProductService = ReturnType<typeof createProductService>;
