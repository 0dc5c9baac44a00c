export { DaprSidecarStandIn, type DaprSidecarStandInOptions } from './dapr-sidecar-stand-in';
export {
  StandInBroker,
  type AppVerdict,
  type DeadLetteredEvent,
  type DeliveryRecord,
  type PublishedEvent,
  type StandInCloudEvent,
  type StandInDeliveryPolicy,
  type StandInSubscription,
  type SubscriberReplica,
} from './stand-in-broker';
export { DaprApiError, StandInStateStore, type StateSaveItem } from './stand-in-state-store';
