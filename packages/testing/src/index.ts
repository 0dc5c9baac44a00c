export * from './backends';
export * from './browser';
