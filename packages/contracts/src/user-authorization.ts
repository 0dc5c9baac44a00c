import { z } from 'zod';
import { authRoleSchema } from './auth';

// Auth's internal answer to "what may this user do right now?": the roles in auth's database, not those an access
// token carried when it was signed. Services ask it before the admin actions a stale token must not authorise
// (deleting a product, cancelling someone else's order, changing roles), so a demotion takes effect at once there.

/** Auth's internal route of a user's current authorization (never routed by the gateway; app API token). */
export const AuthUserAuthorizationPaths = {
  /** GET → `UserAuthorization`; 404 when there is no such account. */
  user: (userId: string) => `/internal/auth/user-authorizations/${encodeURIComponent(userId)}`,
} as const;

/** Reply of `GET /internal/auth/user-authorizations/{id}`. */
export const userAuthorizationSchema = z
  .object({
    userId: z.string(),
    roles: z.array(authRoleSchema).meta({ description: 'The roles in auth\'s database now; a token may still carry older ones' }),
    disabled: z.boolean().meta({ description: 'A disabled account may do nothing, whatever its roles' }),
  })
  .meta({ id: 'AuthUserAuthorization', description: 'What an account may do right now, as auth\'s database says' });
/** What an account may do right now. */
export type UserAuthorization = z.infer<typeof userAuthorizationSchema>;
