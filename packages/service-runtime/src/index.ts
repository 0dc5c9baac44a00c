export * from './building-blocks';
export * from './run-service';
