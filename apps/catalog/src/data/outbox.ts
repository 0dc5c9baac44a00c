// The one file that names the outbox package, so the rest of the service depends on its API only here.
export { claimInboxEvent, enqueueEvent, migrateOutbox, OutboxRelay } from '@shop/outbox';
