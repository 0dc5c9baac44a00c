// Loaded with `node --require <this file>` (the image's NODE_OPTIONS, the Functions app's
// languageWorkers__node__arguments) before the service's own code: OpenTelemetry must patch http, pg and redis before
// anything requires them. It imports ./telemetry only (not the package index, which would load Express first).
import { startTelemetry } from './telemetry';

startTelemetry(process.env);
