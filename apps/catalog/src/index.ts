// The catalog service as a library (the embedded launcher, benchmarks, tests); main.ts runs it as a process.
export * from './composition';
export * from './config';
