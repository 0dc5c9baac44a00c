export * from './principal';
export * from './signing-keys';
export * from './access-token-signer';
export * from './jwks';
export * from './token-verifier';
export * from './middleware';
export * from './current-role';
