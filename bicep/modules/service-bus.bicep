// Service Bus Premium namespace (zone redundant, Entra ID only, private endpoint) with the platform's topics
// (Topics in packages/contracts), their dead-letter topics (<topic>.deadletter, where Dapr sends DROPped and
// exhausted deliveries) and one subscription per subscriber (named after the Dapr consumerID, i.e. the app id, or
// "functions"). Data roles at topic scope: service-bus-roles.bicep.

@description('Required. Name prefix of the resources (e.g. shop-prod).')
param namePrefix string

@description('Optional. Location of the namespace.')
param location string = resourceGroup().location

@description('Optional. Messaging units of the Premium namespace.')
@allowed([
  1
  2
  4
  8
  16
])
param capacity int = 1

@description('Required. Topic names (Topics of packages/contracts).')
param topics string[]

@description('Required. Subscriptions: topic, subscription name (the Dapr consumerID = app id) and delivery bound.')
param subscriptions subscriptionType[]

@description('Required. Resource id of the private endpoints subnet.')
param privateEndpointSubnetId string

@description('Required. Resource id of the privatelink.servicebus.windows.net zone.')
param privateDnsZoneId string

@description('Optional. Region of a geo-replica of the namespace (Premium geo-replication: metadata and messages replicated to it, promoted by an operator; the namespace name stays). Empty: no replica.')
param geoReplicaLocation string = ''

@description('Optional. Longest replication lag (seconds) the geo-replica may fall behind before Service Bus throttles sends to keep it within reach.')
@minValue(0)
param geoReplicationMaxLagSeconds int = 300

@description('Optional. Tags of every resource.')
param tags object = {}

@description('A subscription of a topic.')
type subscriptionType = {
  @description('Required. Topic name.')
  topic: string
  @description('Required. Subscription name (app id for Dapr subscribers).')
  name: string
  @description('Optional. Deliveries before Service Bus dead-letters the message itself.')
  maxDeliveryCount: int?
}

var allTopics = concat(topics, map(topics, topic => '${topic}.deadletter'))

// 2026-01-01 for geoDataReplication (2024-01-01 has no such property); the child resources keep 2024-01-01.
resource namespace 'Microsoft.ServiceBus/namespaces@2026-01-01' = {
  name: 'sb-${namePrefix}-${uniqueString(resourceGroup().id)}'
  location: location
  tags: tags
  sku: {
    name: 'Premium'
    tier: 'Premium'
    capacity: capacity
  }
  properties: {
    zoneRedundant: true
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Disabled'
    geoDataReplication: empty(geoReplicaLocation) ? null : {
      maxReplicationLagDurationInSeconds: geoReplicationMaxLagSeconds
      locations: [
        {
          locationName: location
          roleType: 'Primary'
        }
        {
          locationName: geoReplicaLocation
          roleType: 'Secondary'
        }
      ]
    }
  }
}

resource topicResources 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' = [
  for topic in allTopics: {
    parent: namespace
    name: topic
    properties: {
      defaultMessageTimeToLive: endsWith(topic, '.deadletter') ? 'P14D' : 'P7D'
      requiresDuplicateDetection: false
      enableBatchedOperations: true
      supportOrdering: true
    }
  }
]

resource subscriptionResources 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2024-01-01' = [
  for sub in subscriptions: {
    parent: topicResources[indexOf(allTopics, sub.topic)]
    name: sub.name
    properties: {
      lockDuration: 'PT1M'
      maxDeliveryCount: sub.?maxDeliveryCount ?? 10
      deadLetteringOnMessageExpiration: true
      defaultMessageTimeToLive: 'P14D'
    }
  }
]

module privateEndpoint 'private-endpoint.bicep' = {
  name: '${deployment().name}-pe'
  params: {
    name: 'pe-${namespace.name}'
    location: location
    subnetId: privateEndpointSubnetId
    targetResourceId: namespace.id
    groupId: 'namespace'
    privateDnsZoneId: privateDnsZoneId
    tags: tags
  }
}

@description('The name of the namespace.')
output name string = namespace.name

@description('The resource id of the namespace.')
output resourceId string = namespace.id

@description('The location of the namespace.')
output location string = location

@description('The namespace FQDN (Dapr namespaceName, Functions ServiceBusConnection__fullyQualifiedNamespace).')
output fullyQualifiedNamespace string = '${namespace.name}.servicebus.windows.net'
