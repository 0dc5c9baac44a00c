import { z } from 'zod';
// Type-only: index.ts re-exports this file, so a value import of `Roles` from it would be a cycle at load time.
import type { Role } from './index';

// Auth's public API (`/api/auth`), its admin API (`/api/auth/users`), its internal contact reads, and its events on the
// `users` topic.

/** No control characters (line breaks, NUL, escapes) in names shown to people and written to logs. */
const noControlCharacters = /^[^\p{Cc}]*$/u;

/** A role as the API names it. */
export const authRoleSchema = z.enum(['customer', 'admin']).meta({ id: 'AuthRole', description: 'A role a user can hold' });
/** A role as the API names it. */
export type AuthRole = z.infer<typeof authRoleSchema>;

/** Compiles only while `authRoleSchema` lists exactly the roles of `Roles`. */
export const authRolesMatchRoles: [Role] extends [AuthRole] ? ([AuthRole] extends [Role] ? true : never) : never = true;

/** An email as accepted at registration: trimmed, lower-cased, a plain address of at most 254 characters. */
export const accountEmailSchema = z.string().max(320).trim().toLowerCase().pipe(z.email('must be a valid email address').max(254));

/** The length limits of a new password, in characters (code points): auth enforces them, the sign-up form shows them. */
export const PasswordLimits = { minLength: 10, maxLength: 128 } as const;

/** A password as typed; the policy (length, content) is the service's, this only bounds the input. */
const passwordInputSchema = z.string().min(1).max(1024);

/** Body of `POST /api/auth/register`. */
export const registerBodySchema = z
  .strictObject({
    email: accountEmailSchema,
    password: passwordInputSchema,
    name: z.string().max(400).normalize('NFC').trim().min(1).max(100).regex(noControlCharacters, 'must not contain control characters'),
  })
  .meta({ id: 'AuthRegisterBody', description: 'A new customer account: email, password (at least 10 characters, not a common one) and display name' });
/** Body of `POST /api/auth/register`. */
export type RegisterBody = z.infer<typeof registerBodySchema>;

/** Body of `POST /api/auth/login`. The email is not format-checked: any wrong email is just a failed login. */
export const loginBodySchema = z
  .strictObject({ email: z.string().max(320).trim().toLowerCase().min(1), password: passwordInputSchema })
  .meta({ id: 'AuthLoginBody', description: 'Email and password' });
/** Body of `POST /api/auth/login`. */
export type LoginBody = z.infer<typeof loginBodySchema>;

/** The cookie that carries the refresh token: HttpOnly, Secure, SameSite=Strict, sent only to the session routes. */
export const AuthSessionCookie = {
  name: 'shop_refresh',
  /** Browsers send it to `/api/auth/session/refresh` and `/api/auth/session/logout`, nowhere else. */
  path: '/api/auth/session',
} as const;

/** Body of `POST /api/auth/session/refresh` and `/api/auth/session/logout`: nothing (the cookie carries the token). */
export const sessionCookieBodySchema = z
  .strictObject({})
  .optional()
  .meta({ id: 'AuthSessionCookieBody', description: 'No body, or `{}`: the refresh token travels in the shop_refresh cookie' });

/** Body of `POST /api/auth/password-reset`. Any well-formed address gets the same answer, registered or not. */
export const passwordResetRequestBodySchema = z
  .strictObject({ email: accountEmailSchema })
  .meta({ id: 'AuthPasswordResetRequestBody', description: 'The e-mail address of the account whose password is forgotten' });
/** Body of the password reset request. */
export type PasswordResetRequestBody = z.infer<typeof passwordResetRequestBodySchema>;

/** A one-time token as e-mailed in a link (32 random bytes, base64url); the bound only limits the input. */
const oneTimeTokenInputSchema = z.string().min(1).max(512);

/** Body of `POST /api/auth/password-reset/confirm`. */
export const passwordResetConfirmBodySchema = z
  .strictObject({ token: oneTimeTokenInputSchema, password: passwordInputSchema })
  .meta({ id: 'AuthPasswordResetConfirmBody', description: 'The token of the e-mailed link and the new password (same rules as at registration)' });
/** Body of the password reset confirmation. */
export type PasswordResetConfirmBody = z.infer<typeof passwordResetConfirmBodySchema>;

/** Body of `POST /api/auth/email-verification/confirm`. */
export const emailVerificationConfirmBodySchema = z
  .strictObject({ token: oneTimeTokenInputSchema })
  .meta({ id: 'AuthEmailVerificationConfirmBody', description: 'The token of the e-mailed verification link' });
/** Body of the e-mail verification confirmation. */
export type EmailVerificationConfirmBody = z.infer<typeof emailVerificationConfirmBodySchema>;

/**
 * Reply (202) of `POST /api/auth/password-reset` and `POST /api/auth/email-verification`: the request was taken. For a
 * reset it is the same whether or not the address has an account, and whether or not an e-mail went out.
 */
export const acceptedReplySchema = z
  .object({ status: z.literal('accepted') })
  .meta({ id: 'AuthAccepted', description: 'Accepted; if there is something to send, a link is on its way by e-mail' });
/** Reply of the requests that e-mail a link. */
export type AcceptedReply = z.infer<typeof acceptedReplySchema>;

/** Lifetimes of the e-mailed one-time links, in seconds. */
export const OneTimeLinkLifetimes = { passwordResetSeconds: 30 * 60, emailVerificationSeconds: 24 * 3600 } as const;

/** Where the e-mailed links point, under the shop's public URL; the token rides in the fragment (never sent to a server). */
export const AccountLinkPaths = {
  resetPassword: '/account/reset-password',
  verifyEmail: '/account/verify-email',
} as const;

/** An account as the API shows it: never the password hash. */
export const authUserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    roles: z.array(authRoleSchema),
    /** Whether the owner proved the address by opening an e-mailed link (an admin role needs it). */
    emailVerified: z.boolean(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'AuthUser', description: 'An account: id, email, display name, roles, whether the e-mail address is verified, and creation time' });
/** An account as the API shows it. */
export type AuthUser = z.infer<typeof authUserSchema>;

/**
 * Reply of `POST /api/auth/register` (202), the same whether the e-mail was free (the account now exists and can sign
 * in) or already registered (nothing is created; its owner is e-mailed): the answer must not reveal which.
 */
export const registrationAcceptedReplySchema = z
  .object({ status: z.literal('accepted'), email: z.string() })
  .meta({
    id: 'AuthRegistrationAccepted',
    description: 'The registration was accepted for this (normalised) e-mail; sign in with it. Identical for a new and an already registered address',
  });
/** Reply of registration. */
export type RegistrationAcceptedReply = z.infer<typeof registrationAcceptedReplySchema>;

/** Reply of `GET /me`, `GET /users/{id}`, `PUT /users/{id}/roles` and `POST /email-verification/confirm`: `{ user }`. */
export const authUserReplySchema = z.object({ user: authUserSchema }).meta({ id: 'AuthUserReply', description: 'One account' });
/** Reply carrying one account. */
export type AuthUserReply = z.infer<typeof authUserReplySchema>;

/**
 * Reply of `POST /api/auth/login` and `POST /api/auth/session/refresh` (never cached). The refresh token is not in it:
 * it comes as the `shop_refresh` HttpOnly cookie, out of reach of page scripts.
 */
export const tokenResponseSchema = z
  .object({
    /** RS256 JWT, verified by every service against the JWKS. */
    accessToken: z.string(),
    /** Seconds the access token is valid. */
    expiresIn: z.number().int().positive(),
    tokenType: z.literal('Bearer'),
    user: authUserSchema,
  })
  .meta({ id: 'AuthTokenResponse', description: 'An access token and the account (the refresh token is set as the shop_refresh cookie)' });
/** Reply of login and refresh. */
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

/** Query of `GET /api/auth/users` (admin). */
export const listUsersQuerySchema = z
  .strictObject({
    email: z.string().max(254).optional().describe('Part of the email to search for (case-insensitive)'),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .meta({ id: 'AuthUsersQuery', description: 'A page of accounts, optionally those whose email contains a term' });
/** Query of the admin user list, as parsed. */
export type ListUsersQuery = z.infer<typeof listUsersQuerySchema>;

/** Reply of `GET /api/auth/users` (admin). */
export const userPageSchema = z
  .object({ items: z.array(authUserSchema), total: z.number().int().min(0), limit: z.number().int(), offset: z.number().int() })
  .meta({ id: 'AuthUserPage', description: 'A page of accounts, oldest first, and how many match in all' });
/** A page of the admin user list. */
export type UserPage = z.infer<typeof userPageSchema>;

/** Body of `PUT /api/auth/users/{id}/roles` (admin). */
export const setRolesBodySchema = z
  .strictObject({ roles: z.array(authRoleSchema).max(10) })
  .meta({ id: 'AuthSetRolesBody', description: 'The roles the account holds from now on (customer is always kept)' });
/** Body of the role change. */
export type SetRolesBody = z.infer<typeof setRolesBodySchema>;

/** Reply of `GET /internal/auth/users/{id}`: what another service needs to reach an account's owner. */
export const userContactSchema = z
  .object({ id: z.string(), email: z.string(), name: z.string() })
  .meta({ id: 'AuthUserContact', description: 'How to reach an account’s owner: id, email and display name' });
/** An account's contact details. */
export type UserContact = z.infer<typeof userContactSchema>;

/** Reply of `GET /internal/auth/admins`: the contacts of every admin account. */
export const adminContactsReplySchema = z
  .object({ items: z.array(userContactSchema) })
  .meta({ id: 'AuthAdminContactsReply', description: 'The contact details of every admin account, oldest first' });
/** Reply of the admin contact list. */
export type AdminContactsReply = z.infer<typeof adminContactsReplySchema>;

/** Data of `user.registered` on the `users` topic (subject: the user id). Never carries the password or its hash. */
export const userRegisteredDataSchema = z
  .object({ userId: z.string().min(1), email: z.string(), name: z.string(), registeredAt: z.iso.datetime() })
  .meta({ id: 'UserRegisteredEvent', description: 'A new account was created (by registration or as the first admin)' });
/** Data of a `user.registered` event. */
export type UserRegisteredData = z.infer<typeof userRegisteredDataSchema>;

/**
 * Data of `user.registration_repeated` on the `users` topic (subject: the user id): someone registered an e-mail that
 * already has an account. For an e-mail to the owner; `name` is the account's, never what the form said.
 */
export const userRegistrationRepeatedDataSchema = z
  .object({ userId: z.string().min(1), email: z.string(), name: z.string(), attemptedAt: z.iso.datetime() })
  .meta({ id: 'UserRegistrationRepeatedEvent', description: 'A registration was attempted with the e-mail of an existing account' });
/** Data of a `user.registration_repeated` event. */
export type UserRegistrationRepeatedData = z.infer<typeof userRegistrationRepeatedDataSchema>;

/**
 * Data of `user.password_reset_requested` on the `users` topic (subject: the user id), for the e-mail with the reset
 * link. It carries the one-time token itself (auth keeps only its hash), so it must never be logged.
 */
export const userPasswordResetRequestedDataSchema = z
  .object({ userId: z.string().min(1), email: z.string(), name: z.string(), token: z.string().min(1), expiresAt: z.iso.datetime(), requestedAt: z.iso.datetime() })
  .meta({ id: 'UserPasswordResetRequestedEvent', description: 'The owner of an account asked for a password reset link (the token is secret: never log it)' });
/** Data of a `user.password_reset_requested` event. */
export type UserPasswordResetRequestedData = z.infer<typeof userPasswordResetRequestedDataSchema>;

/**
 * Data of `user.email_verification_requested` on the `users` topic (subject: the user id), for the e-mail with the
 * verification link (at registration, and when the owner asks again). Carries the one-time token: never log it.
 */
export const userEmailVerificationRequestedDataSchema = z
  .object({ userId: z.string().min(1), email: z.string(), name: z.string(), token: z.string().min(1), expiresAt: z.iso.datetime(), requestedAt: z.iso.datetime() })
  .meta({ id: 'UserEmailVerificationRequestedEvent', description: 'An account needs its e-mail address verified (the token is secret: never log it)' });
/** Data of a `user.email_verification_requested` event. */
export type UserEmailVerificationRequestedData = z.infer<typeof userEmailVerificationRequestedDataSchema>;
