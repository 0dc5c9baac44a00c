// One private endpoint with its DNS zone group, so the resource's FQDN resolves to the private IP inside the VNet.

@description('Required. Name of the private endpoint.')
param name string

@description('Optional. Location of the private endpoint.')
param location string = resourceGroup().location

@description('Required. Resource id of the subnet of the private endpoint.')
param subnetId string

@description('Required. Resource id of the target resource.')
param targetResourceId string

@description('Required. Sub-resource (group id) of the target, e.g. namespace, redisCache, vault, registry.')
@allowed([
  'namespace'
  'redisCache'
  'vault'
  'registry'
  'blob'
])
param groupId string

@description('Required. Resource id of the private DNS zone.')
param privateDnsZoneId string

@description('Optional. Tags of the private endpoint.')
param tags object = {}

resource endpoint 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    subnet: {
      id: subnetId
    }
    privateLinkServiceConnections: [
      {
        name: name
        properties: {
          privateLinkServiceId: targetResourceId
          groupIds: [
            groupId
          ]
        }
      }
    ]
  }
}

resource zoneGroup 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = {
  parent: endpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      {
        name: 'default'
        properties: {
          privateDnsZoneId: privateDnsZoneId
        }
      }
    ]
  }
}

@description('The name of the private endpoint.')
output name string = endpoint.name

@description('The resource id of the private endpoint.')
output resourceId string = endpoint.id

@description('The location of the private endpoint.')
output location string = location
