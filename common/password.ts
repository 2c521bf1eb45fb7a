/**
 * The part of the password policy a form can check by itself; the server also refuses the most
 * common passwords and ones containing the username or name (server/modules/auth/password-policy.ts).
 * A module without zod, so the web's always-loaded password dialog does not pull zod into the
 * first load (common/api/auth.ts re-exports it for the schemas).
 */
export const PASSWORD_MIN_LENGTH = 10;
