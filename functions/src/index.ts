// The Functions host loads this file (package.json "main"); each module registers its functions with `app`.
import './telemetry';
import './sync/functions';
import './jobs/functions';
import './notifications/functions';
export * from './local';
