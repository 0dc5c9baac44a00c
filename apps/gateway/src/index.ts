// The gateway as a library (the embedded launcher, tests); main.ts runs it as a process.
export * from './gateway-app';
export * from './config';
export * from './web-app';
