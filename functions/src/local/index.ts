// The local stand-in for the Functions host, for the embedded launcher (`npm start`).
export { startLocalFunctions, type LocalFunctions, type LocalFunctionsOptions, type LocalSchedules } from './local-functions';
export type { NotificationClaims } from '../notifications/notification-claims';
export { StateStoreNotificationClaims, inMemoryNotificationClaims, type StateStoreNotificationClaimsOptions } from '../notifications/state-store-notification-claims';
