export * from './errors';
export * from './logger';
export * from './audit';
export * from './deterministic-random';
