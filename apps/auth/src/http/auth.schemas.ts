import { z } from 'zod';
import { Roles } from '@shop/contracts';

/** No control characters (line breaks, NUL, escapes) in names shown to people and written to logs. */
const noControlCharacters = /^[^\p{Cc}]*$/u;

/** An email as accepted at registration: trimmed, lower-cased, a plain ASCII address of at most 254 characters. */
export const emailSchema = z.string().max(320).trim().toLowerCase().pipe(z.email('must be a valid email address').max(254));

/** A password as typed; the policy (length, content) is the domain's, this only bounds the input. */
const passwordInputSchema = z.string().min(1).max(1024);

/** Body of POST /register. */
export const registerBodySchema = z.strictObject({
  email: emailSchema,
  password: passwordInputSchema,
  name: z.string().max(400).normalize('NFC').trim().min(1).max(100).regex(noControlCharacters, 'must not contain control characters'),
});
export type RegisterBody = z.infer<typeof registerBodySchema>;

/** Body of POST /login. The email is not format-checked here: any wrong email is just a failed login. */
export const loginBodySchema = z.strictObject({
  email: z.string().max(320).trim().toLowerCase().min(1),
  password: passwordInputSchema,
});
export type LoginBody = z.infer<typeof loginBodySchema>;

/** Body of POST /refresh and POST /logout. */
export const refreshTokenBodySchema = z.strictObject({
  refreshToken: z.string().min(1).max(512),
});

/** Query of GET /users. */
export const listUsersQuerySchema = z.strictObject({
  email: z.string().max(254).optional().describe('Part of the email to search for (case-insensitive)'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

/** Path of /users/{id}. */
export const userIdParamsSchema = z.strictObject({ id: z.uuid() });

/** Body of PUT /users/{id}/roles. */
export const setRolesBodySchema = z.strictObject({
  roles: z.array(z.enum([Roles.customer, Roles.admin])).max(10),
});
