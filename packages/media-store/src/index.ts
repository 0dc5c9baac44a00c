export * from './media-store';
export * from './filesystem-media-store';
export * from './blob-media-store';
export * from './blob-container';
