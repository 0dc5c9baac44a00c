import { z } from 'zod';

// The bodies, the user-list query and the replies are the contract's (packages/contracts/src/auth.ts); only the
// path parameter is parsed here.

/** Path of /users/{id} and /internal/auth/users/{id}. */
export const userIdParamsSchema = z.strictObject({ id: z.uuid() });

/** Path of /api/admin/api-keys/{id}. */
export const apiKeyIdParamsSchema = z.strictObject({ id: z.uuid() });
