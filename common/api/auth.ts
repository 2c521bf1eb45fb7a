import { z } from 'zod';
import { ENGINEER_LEVELS, ROLES } from '../domain';
import { Id } from './shared';

export const LoginRequest = z.object({
  username: z.string().trim().min(1, 'username is required').max(100),
  password: z.string().min(1, 'password is required').max(200),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const ChangePasswordRequest = z.object({
  currentPassword: z.string().min(1).max(200),
  newPassword: z.string().min(8, 'the new password needs at least 8 characters').max(200),
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
});
export type Me = z.infer<typeof Me>;
