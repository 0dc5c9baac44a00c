import { AccessTokenSigner, generateSigningKey } from '@shop/auth-tokens';
import type { InvokeRequest, InvokeResponse, ServiceInvoker } from '@shop/building-blocks';
import { authServiceTokenVerifier } from '@shop/service-runtime';

/** An invoker that answers the JWKS path of app `auth` from a signer, and counts the calls. */
function authInvoker(signer: AccessTokenSigner, status = 200) {
  const calls: Array<{ appId: string; request: InvokeRequest }> = [];
  const invoker: ServiceInvoker = {
    invoke: async <T>(appId: string, request: InvokeRequest): Promise<InvokeResponse<T>> => {
      calls.push({ appId, request });
      return { status, headers: {}, body: (status === 200 ? signer.jwks() : { title: 'down' }) as T };
    },
  };
  return { invoker, calls };
}

describe('authServiceTokenVerifier', () => {
  const signer = new AccessTokenSigner({ keys: [generateSigningKey()] });
  const principal = { userId: 'u-1', email: 'u@example.com', roles: ['customer' as const] };

  it('when a token signed by auth is verified, then the JWKS is fetched from the auth app once and cached', async () => {
    const { invoker, calls } = authInvoker(signer);
    const verifier = authServiceTokenVerifier(invoker, { authAppId: 'auth', jwksPath: '/api/auth/.well-known/jwks.json' });
    await expect(verifier.verify(signer.sign(principal))).resolves.toMatchObject({ userId: 'u-1' });
    await expect(verifier.verify(signer.sign(principal))).resolves.toMatchObject({ userId: 'u-1' });
    expect(calls).toEqual([{ appId: 'auth', request: { method: 'GET', path: '/api/auth/.well-known/jwks.json' } }]);
  });

  it('when auth answers an error, then tokens are refused as signed by an unknown key', async () => {
    const { invoker } = authInvoker(signer, 503);
    const verifier = authServiceTokenVerifier(invoker, { authAppId: 'auth', jwksPath: '/jwks' });
    await expect(verifier.verify(signer.sign(principal))).rejects.toMatchObject({ type: 'unauthorized' });
  });

  it('when auth signs two-hour tokens, then they are refused by default and accepted by a service that allows that lifetime', async () => {
    const longSigner = new AccessTokenSigner({ keys: [generateSigningKey()], ttlSeconds: 7200 });
    const location = { authAppId: 'auth', jwksPath: '/jwks' };
    const token = longSigner.sign(principal);
    await expect(authServiceTokenVerifier(authInvoker(longSigner).invoker, location).verify(token)).rejects.toMatchObject({
      type: 'unauthorized',
      message: 'The access token lives longer than allowed',
    });
    const lenient = authServiceTokenVerifier(authInvoker(longSigner).invoker, location, { maxLifetimeSeconds: 7200 });
    await expect(lenient.verify(token)).resolves.toMatchObject({ userId: 'u-1' });
  });

  it('when a service names its audience, then tokens for the default audience are refused', async () => {
    const verifier = authServiceTokenVerifier(authInvoker(signer).invoker, { authAppId: 'auth', jwksPath: '/jwks' }, { audience: 'shop-admin-api' });
    await expect(verifier.verify(signer.sign(principal))).rejects.toMatchObject({ type: 'unauthorized' });
  });
});
