import type { ApiClient } from './client';
import type { AcceptedReply, AuthUserReply, EmailVerificationConfirmBody, PasswordResetConfirmBody, PasswordResetRequestBody } from '@shop/contracts';

/** What the account pages call besides signing in and out: password reset and e-mail verification. */
export function accountApi(client: ApiClient) {
  return {
    /** Asks auth to e-mail a reset link; it answers alike whether the address has an account or not. */
    requestPasswordReset: async (email: string) => {
      await client.request<AcceptedReply>('/api/auth/password-reset', { method: 'POST', body: { email } satisfies PasswordResetRequestBody, auth: 'none' });
    },
    /** Sets a new password with the token of a reset link; auth ends every session of the account. */
    resetPassword: async (token: string, password: string) => {
      await client.request('/api/auth/password-reset/confirm', { method: 'POST', body: { token, password } satisfies PasswordResetConfirmBody, auth: 'none' });
    },
    /** Confirms the e-mail address with the token of a verification link; answers the account as it is now. */
    confirmEmailAddress: async (token: string) => (await client.request<AuthUserReply>('/api/auth/email-verification/confirm', { method: 'POST', body: { token } satisfies EmailVerificationConfirmBody, auth: 'none' })).data.user,
    /** E-mails the signed-in account a new verification link. */
    resendEmailVerification: async () => {
      await client.request<AcceptedReply>('/api/auth/email-verification', { method: 'POST', auth: 'required' });
    },
    /** The signed-in account as auth holds it now. */
    me: async () => (await client.request<AuthUserReply>('/api/auth/me', { auth: 'required' })).data.user,
  };
}

export type AccountApi = ReturnType<typeof accountApi>;
