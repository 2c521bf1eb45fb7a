/**
 * First-start set-up: the `admin` account. Idempotent, so every start may call it.
 */
import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Services } from './app';
import { users } from './db/schema';

export interface BootstrapResult {
  /** Set only when the admin account was created with a generated password (to be shown once). */
  generatedAdminPassword?: string;
  createdAdmin: boolean;
}

export async function ensureAdmin(services: Services, adminPassword: string | undefined): Promise<BootstrapResult> {
  const [existing] = await services.db
    .select({ id: users.id })
    .from(users)
    .where(sql`lower(${users.username}) = 'admin'`);
  if (existing) return { createdAdmin: false };
  const password = adminPassword ?? crypto.randomBytes(12).toString('base64url');
  try {
    // A generated password was shown on the console: whoever reads it first must replace it.
    await services.users.create(null, { username: 'admin', password, name: '系统管理员', role: 'admin', mustChangePassword: !adminPassword });
  } catch (error) {
    // Another process created it between our check and our insert (several processes starting
    // at once on an empty PostgreSQL database): that is fine.
    if (isUniqueViolation(error)) return { createdAdmin: false };
    throw error;
  }
  return { createdAdmin: true, ...(adminPassword ? {} : { generatedAdminPassword: password }) };
}

/**
 * The generated admin password as plain lines of their own (not inside a JSON log line), so whoever
 * starts the server for the first time sees it in a terminal and a script can find it.
 */
/** A unique-key violation (SQLSTATE 23505), also when Drizzle wraps the driver's error in `cause`. */
function isUniqueViolation(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e.code === '23505' || e.code === 'conflict') return true;
  }
  return false;
}

export function firstStartBanner(password: string): string {
  const rule = '='.repeat(72);
  return [
    '',
    rule,
    '  Fuwutai 服务台 首次启动 / first start',
    '  管理员账号 / admin username: admin',
    `  初始密码 / initial password: ${password}`,
    '  首次登录后须修改密码 / you must change it at first login',
    '  (设置 FUWUTAI_ADMIN_PASSWORD 可自行指定 / set FUWUTAI_ADMIN_PASSWORD to choose it)',
    rule,
    '',
    '',
  ].join('\n');
}
