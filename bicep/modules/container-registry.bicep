// Container registry (Premium: zone redundancy, private endpoint), admin user disabled; the AKS kubelet identity
// pulls with AcrPull through the private endpoint. The public endpoint is off by default (production pushes from a
// runner inside the VNet); where it is on (dev), it still denies every address but the listed ones.

@description('Required. Name prefix of the resources (e.g. shop-prod).')
param namePrefix string

@description('Optional. Location of the registry.')
param location string = resourceGroup().location

@description('Required. Principal ids granted AcrPull (the kubelet identity).')
param pullPrincipalIds string[]

@description('Optional. Public network access: Disabled (only the private endpoint) or Enabled for the addresses in allowedIpRanges.')
@allowed([
  'Enabled'
  'Disabled'
])
param publicNetworkAccess string = 'Disabled'

@description('Optional. Public addresses or CIDR ranges that may push and pull when publicNetworkAccess is Enabled (a developer\'s or CI runner\'s egress address); every other address is denied.')
param allowedIpRanges string[] = []

@description('Required. Resource id of the private endpoints subnet.')
param privateEndpointSubnetId string

@description('Required. Resource id of the privatelink.azurecr.io zone.')
param privateDnsZoneId string

@description('Optional. Regions the registry is geo-replicated to besides its own (one per regional stamp): each region\'s nodes pull from the nearest replica, and a region keeps pulling while another is down.')
param replicaLocations string[] = []

@description('Optional. Tags of every resource.')
param tags object = {}

var acrPullRoleId = '7f951dda-4ed3-4680-a7ca-43fe172d538d' // AcrPull

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: take('cr${replace(namePrefix, '-', '')}${uniqueString(resourceGroup().id)}', 50)
  location: location
  tags: tags
  sku: {
    name: 'Premium'
  }
  properties: {
    // Anonymous pull does not exist in this API version (it came later, off by default): nothing to turn off.
    adminUserEnabled: false
    zoneRedundancy: 'Enabled'
    publicNetworkAccess: publicNetworkAccess
    networkRuleSet: {
      defaultAction: 'Deny'
      ipRules: map(allowedIpRanges, ipRange => {
        action: 'Allow'
        value: ipRange
      })
    }
    networkRuleBypassOptions: 'AzureServices'
    policies: {
      retentionPolicy: {
        status: 'enabled'
        days: 30
      }
    }
  }
}

resource replications 'Microsoft.ContainerRegistry/registries/replications@2023-07-01' = [
  for replicaLocation in replicaLocations: {
    parent: registry
    name: replace(replicaLocation, '-', '')
    location: replicaLocation
    tags: tags
    properties: {
      zoneRedundancy: 'Enabled'
      regionEndpointEnabled: true
    }
  }
]

resource pullers 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for principalId in pullPrincipalIds: {
    name: guid(registry.id, principalId, acrPullRoleId)
    scope: registry
    properties: {
      principalId: principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPullRoleId)
    }
  }
]

module privateEndpoint 'private-endpoint.bicep' = {
  name: '${deployment().name}-pe'
  params: {
    name: 'pe-${registry.name}'
    location: location
    subnetId: privateEndpointSubnetId
    targetResourceId: registry.id
    groupId: 'registry'
    privateDnsZoneId: privateDnsZoneId
    tags: tags
  }
  // Each replica has a data endpoint of its own, which the private endpoint maps when it is written after it.
  dependsOn: [
    replications
  ]
}

@description('The name of the registry.')
output name string = registry.name

@description('The resource id of the registry.')
output resourceId string = registry.id

@description('The location of the registry.')
output location string = location

@description('The login server (Skaffold default repo).')
output loginServer string = registry.properties.loginServer
