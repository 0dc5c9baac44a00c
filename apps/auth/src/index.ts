// The auth service as a library (the embedded launcher, tests); main.ts runs it as a process.
export * from './composition';
export * from './config';
