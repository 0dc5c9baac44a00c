// The storefront's static files (apps/storefront/dist): a private blob container that only Front Door reads, over
// a Private Link connection (Front Door Premium). No public blob access and no shared keys: uploads come from inside
// the VNet through the account's blob private endpoint (privatelink.blob zone), by the storefront-publish deployment
// script or a release pipeline identity (Storage Blob Data Contributor, granted here), setting each blob's
// Cache-Control (hashed assets a year and immutable, index.html no-cache); docs/deployment.md has the commands.

@description('Required. Name prefix of the resources (e.g. shop-prod).')
param namePrefix string

@description('Optional. Region of the storage account.')
param location string = resourceGroup().location

@description('Optional. Principal (object) ids of the service principals that upload the built files (the deployment scripts\' identity, a release pipeline).')
param publisherPrincipalIds string[] = []

@description('Required. Resource id of the subnet of the blob private endpoint.')
param privateEndpointSubnetId string

@description('Required. Resource id of the privatelink.blob private DNS zone.')
param privateDnsZoneId string

@description('Optional. Tags of every resource.')
param tags object = {}

var blobDataContributorRoleId = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe' // Storage Blob Data Contributor

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: take('stweb${replace(namePrefix, '-', '')}${uniqueString(resourceGroup().id)}', 24)
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_ZRS'
  }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    defaultToOAuthAuthentication: true
    // Front Door reaches it through its approved private endpoint; nothing else may.
    publicNetworkAccess: 'Disabled'
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource webContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: 'web'
  properties: {
    publicAccess: 'None'
  }
}

resource publisherRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for principalId in publisherPrincipalIds: {
    name: guid(storage.id, principalId, blobDataContributorRoleId)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobDataContributorRoleId)
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]

// The uploaders' way in: with public network access off, only this endpoint (and Front Door's own Private Link
// connection) reaches the blobs.
module blobEndpoint 'private-endpoint.bicep' = {
  name: 'pe-${storage.name}-blob'
  params: {
    name: 'pe-${storage.name}-blob'
    location: location
    subnetId: privateEndpointSubnetId
    targetResourceId: storage.id
    groupId: 'blob'
    privateDnsZoneId: privateDnsZoneId
    tags: tags
  }
}

@description('The storage account resource id (the Private Link target of Front Door).')
output resourceId string = storage.id

@description('The storage account name (upload target).')
output name string = storage.name

@description('The blob endpoint host of the account.')
output blobHostName string = '${storage.name}.blob.${environment().suffixes.storage}'

@description('The container holding the built web app.')
output containerName string = webContainer.name
