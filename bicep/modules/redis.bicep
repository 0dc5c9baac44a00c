// Azure Cache for Redis Premium across zones: TLS only, Entra ID authentication (access keys disabled), private
// endpoint, and a Data Contributor access policy for each service identity (the Dapr state store signs in as it).

@description('Required. Name prefix of the resources (e.g. shop-prod).')
param namePrefix string

@description('Optional. Location of the cache.')
param location string = resourceGroup().location

@description('Optional. Premium capacity (P1..P5).')
@allowed([
  1
  2
  3
  4
  5
])
param capacity int = 1

@description('Optional. Replicas per primary (one per extra zone).')
@minValue(1)
@maxValue(3)
param replicasPerPrimary int = 2

@description('Required. Identities granted data access (Data Contributor access policy).')
param dataContributors principalType[]

@description('Required. Resource id of the private endpoints subnet.')
param privateEndpointSubnetId string

@description('Required. Resource id of the privatelink.redis.cache.windows.net zone.')
param privateDnsZoneId string

@description('Optional. Tags of every resource.')
param tags object = {}

@description('An identity granted access.')
type principalType = {
  @description('Required. Object id of the identity.')
  principalId: string
  @description('Required. Readable alias shown in the access policy list.')
  alias: string
}

resource redis 'Microsoft.Cache/redis@2024-11-01' = {
  name: 'redis-${namePrefix}-${uniqueString(resourceGroup().id)}'
  location: location
  tags: tags
  // One zone per node: the primary and each replica. Azure refuses more zones than nodes (3 zones with one replica).
  zones: take(['1', '2', '3'], replicasPerPrimary + 1)
  properties: {
    sku: {
      name: 'Premium'
      family: 'P'
      capacity: capacity
    }
    replicasPerPrimary: replicasPerPrimary
    enableNonSslPort: false
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Disabled'
    disableAccessKeyAuthentication: true
    redisConfiguration: {
      'aad-enabled': 'true'
      'maxmemory-policy': 'volatile-lru'
    }
  }
}

@batchSize(1)
resource accessPolicies 'Microsoft.Cache/redis/accessPolicyAssignments@2024-11-01' = [
  for p in dataContributors: {
    parent: redis
    name: take(replace(p.alias, '_', '-'), 60)
    properties: {
      accessPolicyName: 'Data Contributor'
      objectId: p.principalId
      objectIdAlias: p.alias
    }
  }
]

module privateEndpoint 'private-endpoint.bicep' = {
  name: '${deployment().name}-pe'
  params: {
    name: 'pe-${redis.name}'
    location: location
    subnetId: privateEndpointSubnetId
    targetResourceId: redis.id
    groupId: 'redisCache'
    privateDnsZoneId: privateDnsZoneId
    tags: tags
  }
}

@description('The name of the cache.')
output name string = redis.name

@description('The resource id of the cache.')
output resourceId string = redis.id

@description('The location of the cache.')
output location string = location

@description('host:port of the TLS endpoint (Dapr redisHost).')
output redisHost string = '${redis.properties.hostName}:${redis.properties.sslPort}'
