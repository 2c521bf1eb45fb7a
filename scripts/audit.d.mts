/** Types for scripts/audit.mjs (imported by server/ops/audit.test.ts). */
export interface AllowListEntry {
  id: string;
  package: string;
  reason: string;
  expires: string;
}
export interface Advisory {
  id: string;
  package: string;
  severity: string;
  title: string;
  url: string;
}
export declare const ALLOWLIST_PATH: string;
export declare function parseAllowList(json: unknown): AllowListEntry[];
export declare function evaluateAudit(
  report: unknown,
  allowList: AllowListEntry[],
  today: string,
): {
  ok: boolean;
  unreachable?: string;
  blocking: Advisory[];
  accepted: Array<Advisory & { expires: string; reason: string }>;
  expired: Array<Advisory & { expires: string; reason: string }>;
  unused: AllowListEntry[];
};
