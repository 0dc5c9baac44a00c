export * from './building-blocks';
export * from './run-service';
export * from './token-verifier';
export * from './service-startup';
export * from './service-metrics';
export * from './auth-user-authorizations.client';
export * from './buffered-audit-recorder';
export * from './database-readiness';
