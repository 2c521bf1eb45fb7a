import { z } from 'zod';
import { ENGINEER_LEVELS, ROLES } from '../domain';
import { PASSWORD_MIN_LENGTH } from '../password';
import { Id } from './shared';

export const LoginRequest = z.object({
  username: z.string().trim().min(1, 'username is required').max(100),
  password: z.string().min(1, 'password is required').max(200),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

/** The part of the password policy a form can check by itself (common/password.ts). */
export { PASSWORD_MIN_LENGTH };
export const NewPassword = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `the password needs at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(200);

export const ChangePasswordRequest = z.object({
  currentPassword: z.string().min(1).max(200),
  newPassword: NewPassword,
});
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequest>;

export const Me = z.object({
  id: Id,
  username: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  email: z.string().nullable(),
  customerId: Id.nullable(),
  customerName: z.string().nullable(),
  centerId: Id.nullable(),
  centerName: z.string().nullable(),
  engineerLevel: z.enum(ENGINEER_LEVELS).nullable(),
  permissions: z.array(z.string()),
  /** The password was set by an administrator (or generated): until it is changed, only me, logout and the password change answer. */
  mustChangePassword: z.boolean(),
});
export type Me = z.infer<typeof Me>;
