// The embedded platform as a library (repository-level tests start it in-process); main.ts is `npm start`.
export { startEmbeddedPlatform, type EmbeddedPlatform } from './embedded-platform';
export { loadLauncherConfig, type LauncherConfig } from './config';
