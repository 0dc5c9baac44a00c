import { z } from 'zod';
import {
  AccountLinkPaths,
  AuthInternalPaths,
  AuthSessionCookie,
  OneTimeLinkLifetimes,
  acceptedReplySchema,
  adminContactsReplySchema,
  authUserReplySchema,
  emailVerificationConfirmBodySchema,
  listUsersQuerySchema,
  loginBodySchema,
  passwordResetConfirmBodySchema,
  passwordResetRequestBodySchema,
  registerBodySchema,
  registrationAcceptedReplySchema,
  setRolesBodySchema,
  tokenResponseSchema,
  userContactSchema,
  userPageSchema,
} from '@shop/contracts';
import { jsonRequestBody, type ApiOperation } from '../api-operation';
import { pathParameters, uuidParameter } from '../path-parameters';
import { emptyResponse, jsonResponse } from '../responses';

const userId = pathParameters({ id: uuidParameter('The account id') });
const noStore = z.object({ 'Cache-Control': z.literal('no-store').meta({ description: 'Tokens and accounts are never cached' }) });
const cookieAttributes = `HttpOnly; Secure; SameSite=Strict; Path=${AuthSessionCookie.path}`;
const setsSessionCookie = noStore.extend({
  'Set-Cookie': z.string().meta({
    description: `${AuthSessionCookie.name}=<refresh token>; Max-Age=<refresh-token lifetime>; ${cookieAttributes}: the session's next refresh token, out of reach of page scripts`,
  }),
});
const clearsSessionCookie = z.object({
  'Set-Cookie': z.string().meta({ description: `${AuthSessionCookie.name}=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; ${cookieAttributes}: the session cookie is dropped` }),
});
/** What the cookie session routes read: the cookie, and the Origin header of a page of the shop. */
const sessionCookieRequest = {
  cookies: z.object({ [AuthSessionCookie.name]: z.string().optional().meta({ description: 'The refresh token, as login or the last refresh set it' }) }),
  headers: z.object({ Origin: z.string().meta({ description: 'The origin of the shop page making the request (SHOP_ORIGINS); missing or another: 403' }) }),
};
const minutes = (seconds: number) => `${seconds / 60} minutes`;

/** Auth: registration, tokens, the caller's account, the JWKS; account administration; the internal contact reads. */
export const authOperations: readonly ApiOperation[] = [
  {
    operationId: 'register',
    method: 'post',
    path: '/api/auth/register',
    summary: 'Create a customer account',
    access: 'anyone',
    description:
      'The answer is the same whether the e-mail was free (the account is created; sign in with POST /api/auth/login) or already has an account (nothing is created and its owner is e-mailed), so it cannot be used to find out which addresses are registered.',
    request: { body: jsonRequestBody(registerBodySchema) },
    responses: { 202: jsonResponse('Accepted (the same for a new and an already registered e-mail)', registrationAcceptedReplySchema, noStore) },
    problems: [400],
  },
  {
    operationId: 'login',
    method: 'post',
    path: '/api/auth/login',
    summary: 'Sign in: an access token, and the refresh token as a cookie',
    description:
      `The refresh token is not in the body: it is set as the ${AuthSessionCookie.name} cookie (${cookieAttributes}), which only POST /api/auth/session/refresh and /session/logout receive. Every attempt is counted before the password is checked: per account and client address (5 in 15 minutes, then 429 until the window ends), per client address, and per account (past its limit, addresses that already failed on it wait a doubling delay of at most 15 minutes; an address that has not failed is not held, so a flood does not lock the owner out). 429 carries Retry-After.`,
    access: 'anyone',
    request: { body: jsonRequestBody(loginBodySchema) },
    responses: { 200: jsonResponse('Signed in', tokenResponseSchema, setsSessionCookie) },
    problems: [400, 401, 429],
  },
  {
    operationId: 'refreshSession',
    method: 'post',
    path: '/api/auth/session/refresh',
    summary: 'A new access token from the session cookie',
    description:
      `No body (or {}): the ${AuthSessionCookie.name} cookie carries the refresh token, and the answer sets its successor. Only a page of the shop may ask: a request whose Origin header is missing or not one of SHOP_ORIGINS is refused (403). A refresh token is spent by its first use; presented a second time, the whole session family is revoked (a stolen token stops working for both parties). The account's roles are read again, so a demoted admin loses the role here. 401 (missing, unknown, expired or revoked cookie) also drops the cookie.`,
    access: 'anyone',
    request: sessionCookieRequest,
    responses: { 200: jsonResponse('New tokens', tokenResponseSchema, setsSessionCookie) },
    problems: [400, { status: 401, description: 'No usable session cookie: sign in again (the cookie is dropped)' }, { status: 403, description: 'The request does not come from a page of the shop (Origin)' }],
  },
  {
    operationId: 'logoutSession',
    method: 'post',
    path: '/api/auth/session/logout',
    summary: 'End the session of the cookie',
    description: 'No body (or {}). Revokes the cookie\'s whole session family and drops the cookie; also 204 without a cookie or with a spent one. Same Origin rule as the refresh.',
    access: 'anyone',
    request: sessionCookieRequest,
    responses: { 204: emptyResponse('Signed out', clearsSessionCookie) },
    problems: [400, { status: 403, description: 'The request does not come from a page of the shop (Origin)' }],
  },
  {
    operationId: 'revokeAllSessions',
    method: 'post',
    path: '/api/auth/sessions/revoke-all',
    summary: 'Sign out everywhere',
    description: 'Revokes every session (refresh-token family) of the caller, on every device, and drops this browser\'s cookie. Access tokens already issued run out within their lifetime.',
    access: 'signed-in',
    responses: { 204: emptyResponse('Every session ended', clearsSessionCookie) },
    problems: [],
  },
  {
    operationId: 'requestPasswordReset',
    method: 'post',
    path: '/api/auth/password-reset',
    summary: 'E-mail a password reset link',
    description:
      `Always 202, with the same body, whether or not the address has an account, so it cannot be used to find out which addresses are registered. For an account, a link to ${AccountLinkPaths.resetPassword}#token=... is e-mailed, valid for ${minutes(OneTimeLinkLifetimes.passwordResetSeconds)} and usable once; at most one e-mail per address a minute (later requests in that minute send nothing).`,
    access: 'anyone',
    request: { body: jsonRequestBody(passwordResetRequestBodySchema) },
    responses: { 202: jsonResponse('Accepted (the same for every address)', acceptedReplySchema, noStore) },
    problems: [400],
  },
  {
    operationId: 'confirmPasswordReset',
    method: 'post',
    path: '/api/auth/password-reset/confirm',
    summary: 'Set a new password with the token of a reset link',
    description:
      'The password follows the rules of registration (400 on body.password, the link stays usable). The token is spent, with every other reset link of the account, and every session of the account ends (all refresh-token families are revoked): sign in with the new password. An unknown, expired or spent token is 400 on body.token ("The reset link is invalid or has expired").',
    access: 'anyone',
    request: { body: jsonRequestBody(passwordResetConfirmBodySchema) },
    responses: { 204: emptyResponse('The password is changed and every session ended', clearsSessionCookie) },
    problems: [400],
  },
  {
    operationId: 'requestEmailVerification',
    method: 'post',
    path: '/api/auth/email-verification',
    summary: 'E-mail a new verification link to the caller',
    description: `A link to ${AccountLinkPaths.verifyEmail}#token=..., valid for ${OneTimeLinkLifetimes.emailVerificationSeconds / 3600} hours and usable once (registration sends the first one); at most one e-mail a minute. 409 when the address is verified already.`,
    access: 'signed-in',
    responses: { 202: jsonResponse('Accepted', acceptedReplySchema, noStore) },
    problems: [{ status: 409, description: 'The e-mail address is already verified' }],
  },
  {
    operationId: 'confirmEmailVerification',
    method: 'post',
    path: '/api/auth/email-verification/confirm',
    summary: 'Verify the e-mail address with the token of a verification link',
    description: 'Spends the token (and the account\'s other verification links) and answers the account with emailVerified true. An unknown, expired or spent token is 400 on body.token.',
    access: 'anyone',
    request: { body: jsonRequestBody(emailVerificationConfirmBodySchema) },
    responses: { 200: jsonResponse('The account, verified', authUserReplySchema, noStore) },
    problems: [400],
  },
  {
    operationId: 'getOwnAccount',
    method: 'get',
    path: '/api/auth/me',
    summary: 'The caller\'s own account',
    access: 'signed-in',
    responses: { 200: jsonResponse('The account of the token', authUserReplySchema, noStore) },
    problems: [],
  },
  {
    operationId: 'getJwks',
    method: 'get',
    path: '/api/auth/.well-known/jwks.json',
    summary: 'The public keys that verify access tokens (JWKS, RFC 7517)',
    description: 'During a key rotation both keys are published. Cacheable for five minutes.',
    access: 'anyone',
    responses: { 200: { description: 'A JSON Web Key Set', content: { 'application/json': { schema: { type: 'object', description: 'A JSON Web Key Set (RFC 7517): `{ keys: [...] }`' } } } } },
    problems: [],
  },
  {
    operationId: 'getOpenIdConfiguration',
    method: 'get',
    path: '/api/auth/.well-known/openid-configuration',
    summary: 'The discovery document: issuer, JWKS and token endpoints',
    access: 'anyone',
    responses: { 200: { description: 'An OpenID-style discovery document', content: { 'application/json': { schema: { type: 'object', description: 'OpenID Connect Discovery 1.0 metadata: issuer, jwks_uri, token_endpoint, ...' } } } } },
    problems: [],
  },
  {
    operationId: 'listUsers',
    method: 'get',
    path: '/api/auth/users',
    summary: 'Search the accounts',
    access: 'admin',
    request: { query: listUsersQuerySchema },
    responses: { 200: jsonResponse('A page of accounts', userPageSchema, noStore) },
    problems: [400],
  },
  {
    operationId: 'getUser',
    method: 'get',
    path: '/api/auth/users/{id}',
    summary: 'One account',
    description: 'An admin may read any account; a customer only their own (403 otherwise).',
    access: 'signed-in',
    request: { params: userId },
    responses: { 200: jsonResponse('The account', authUserReplySchema, noStore) },
    problems: [400, 403, 404],
  },
  {
    operationId: 'setUserRoles',
    method: 'put',
    path: '/api/auth/users/{id}/roles',
    summary: 'Replace the roles of an account',
    description:
      'An admin cannot remove their own admin role, and the admin role is granted only to a verified e-mail address (409). The caller\'s admin role is confirmed in auth\'s database, not only read from the token: an admin demoted since the token was issued gets 403.',
    access: 'admin',
    request: { params: userId, body: jsonRequestBody(setRolesBodySchema) },
    responses: { 200: jsonResponse('The account with its new roles', authUserReplySchema) },
    problems: [
      400,
      404,
      { status: 409, description: 'The caller would remove their own admin role' },
      { status: 409, description: 'An admin role needs a verified e-mail address' },
    ],
  },
  {
    operationId: 'listAdminContacts',
    method: 'get',
    path: AuthInternalPaths.admins,
    summary: 'The contact details of every admin (notifications)',
    access: 'service',
    responses: { 200: jsonResponse('Every admin account\'s contact', adminContactsReplySchema, noStore) },
    problems: [],
  },
  {
    operationId: 'getUserContact',
    method: 'get',
    path: `${AuthInternalPaths.user('')}{id}`,
    summary: 'The contact details of one account (notifications)',
    access: 'service',
    request: { params: userId },
    responses: { 200: jsonResponse('The account\'s contact', userContactSchema, noStore) },
    problems: [400, 404],
  },
];
