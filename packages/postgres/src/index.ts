export * from './database';
export * from './connection-failures';
export * from './entra-access-token';
export * from './pg-database';
export * from './pglite-database';
export * from './migrations';
export * from './open-database';
export * from './test-databases';
