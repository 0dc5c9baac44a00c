export * from './backend-requirement';
export * from './backends';
export * from './browser';
export * from './tcp-proxy';
export * from './timed-call';
export * from './in-memory-tracing';
export * from './free-port';
export * from './replica';
