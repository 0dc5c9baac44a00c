// PostgreSQL flexible server: private access through the delegated subnet, zone-redundant HA, Microsoft Entra ID
// authentication only (no administrator password exists), optional read replicas, one database per service.
// An Entra group administers it, beside the service principals (the deployment scripts' identity) that create the
// services' identities as database principals; the services sign in with Entra tokens (DATABASE_AUTH=entra).

@description('Required. Name prefix of the resources (e.g. shop-prod).')
param namePrefix string

@description('Optional. Location of the server.')
param location string = resourceGroup().location

@description('Required. Resource id of the delegated PostgreSQL subnet.')
param delegatedSubnetId string

@description('Required. Resource id of the privatelink.postgres.database.azure.com zone.')
param privateDnsZoneId string

@description('Optional. Compute and storage of the server.')
param sizing sizingType = {
  skuName: 'Standard_D2ds_v5'
  tier: 'GeneralPurpose'
  storageSizeGB: 128
}

@description('Optional. PostgreSQL major version.')
@allowed([
  '15'
  '16'
])
param version string = '16'

@description('Optional. High availability: ZoneRedundant in production.')
@allowed([
  'Disabled'
  'ZoneRedundant'
  'SameZone'
])
param highAvailability string = 'ZoneRedundant'

@description('Optional. Number of read replicas (services read from DATABASE_READ_URL).')
@minValue(0)
@maxValue(5)
param readReplicaCount int = 0

@description('Required. The Entra administrator of the server (a group).')
param entraAdministrator entraAdministratorType

@description('Optional. Service principals (managed identities) that administer the server too, e.g. the identity of the deployment script that creates the services\' database principals.')
param servicePrincipalAdministrators entraAdministratorType[] = []

@description('Required. Databases to create, one per service.')
param databases string[]

@description('Optional. Tags of every resource.')
param tags object = {}

@description('Compute and storage of a flexible server.')
type sizingType = {
  @description('Required. SKU name, e.g. Standard_D2ds_v5.')
  skuName: string
  @description('Required. SKU tier.')
  tier: ('Burstable' | 'GeneralPurpose' | 'MemoryOptimized')
  @description('Required. Storage in GB.')
  storageSizeGB: int
}

@description('The Entra administrator of the server.')
type entraAdministratorType = {
  @description('Required. Object id of the Entra principal.')
  objectId: string
  @description('Required. Display name of the principal (its role name on the server).')
  principalName: string
}

// The primary in zone 1, its zone-redundant standby in zone 2, and the read replicas in the zones the primary is not
// in (3 first): losing the primary's zone must not also take the replicas that keep the reads answering.
var primaryZone = '1'
var standbyZone = '2'
var replicaZones = [
  '3'
  '2'
]

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 'psql-${namePrefix}-${uniqueString(resourceGroup().id)}'
  location: location
  tags: tags
  sku: {
    name: sizing.skuName
    tier: sizing.tier
  }
  properties: {
    version: version
    // No administrator login or password: with password authentication off there is no password to
    // leak, rotate or leave empty.
    authConfig: {
      activeDirectoryAuth: 'Enabled'
      passwordAuth: 'Disabled'
      tenantId: subscription().tenantId
    }
    availabilityZone: primaryZone
    highAvailability: {
      mode: highAvailability
      standbyAvailabilityZone: highAvailability == 'ZoneRedundant' ? standbyZone : null
    }
    storage: {
      storageSizeGB: sizing.storageSizeGB
      autoGrow: 'Enabled'
    }
    backup: {
      backupRetentionDays: 14
      geoRedundantBackup: 'Disabled'
    }
    network: {
      delegatedSubnetResourceId: delegatedSubnetId
      privateDnsZoneArmResourceId: privateDnsZoneId
      publicNetworkAccess: 'Disabled'
    }
  }
}

resource entraAdmin 'Microsoft.DBforPostgreSQL/flexibleServers/administrators@2024-08-01' = {
  parent: server
  name: entraAdministrator.objectId
  properties: {
    principalType: 'Group'
    principalName: entraAdministrator.principalName
    tenantId: subscription().tenantId
  }
}

// One at a time: the server takes one administrator operation at a time.
@batchSize(1)
resource servicePrincipalAdmins 'Microsoft.DBforPostgreSQL/flexibleServers/administrators@2024-08-01' = [
  for admin in servicePrincipalAdministrators: {
    parent: server
    name: admin.objectId
    properties: {
      principalType: 'ServicePrincipal'
      principalName: admin.principalName
      tenantId: subscription().tenantId
    }
    dependsOn: [
      entraAdmin
    ]
  }
]

resource requireTls 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {
  parent: server
  name: 'require_secure_transport'
  properties: {
    value: 'on'
    source: 'user-override'
  }
  dependsOn: [
    entraAdmin
    servicePrincipalAdmins
  ]
}

@batchSize(1)
resource databaseResources 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = [
  for db in databases: {
    parent: server
    name: db
    properties: {
      charset: 'UTF8'
      collation: 'en_US.utf8'
    }
    dependsOn: [
      requireTls
    ]
  }
]

@batchSize(1)
resource replicas 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = [
  for i in range(0, readReplicaCount): {
    name: '${server.name}-replica-${i + 1}'
    location: location
    tags: tags
    sku: {
      name: sizing.skuName
      tier: sizing.tier
    }
    properties: {
      createMode: 'Replica'
      sourceServerResourceId: server.id
      availabilityZone: replicaZones[i % length(replicaZones)]
      network: {
        delegatedSubnetResourceId: delegatedSubnetId
        privateDnsZoneArmResourceId: privateDnsZoneId
        publicNetworkAccess: 'Disabled'
      }
    }
    dependsOn: [
      databaseResources
    ]
  }
]

@description('The name of the server.')
output name string = server.name

@description('The resource id of the server.')
output resourceId string = server.id

@description('The location of the server.')
output location string = location

@description('The server FQDN (host of DATABASE_URL).')
output fqdn string = server.properties.fullyQualifiedDomainName

@description('The FQDNs of the read replicas (host of DATABASE_READ_URL).')
output replicaFqdns string[] = [for i in range(0, readReplicaCount): replicas[i].properties.fullyQualifiedDomainName]

@description('Names of the read replicas (their lag is alerted on).')
output replicaNames string[] = [for i in range(0, readReplicaCount): replicas[i].name]
