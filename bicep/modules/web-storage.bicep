// The storefront's static files (apps/storefront/dist): a private blob container that only Front Door reads, over
// a Private Link connection (Front Door Premium). No public blob access and no shared keys: the release pipeline
// uploads with its Entra identity (Storage Blob Data Contributor, granted here), setting each blob's Cache-Control
// (hashed assets a year and immutable, index.html no-cache); docs/deploy.md has the commands.

@description('Required. Name prefix of the resources (e.g. shop-prod).')
param namePrefix string

@description('Optional. Region of the storage account.')
param location string = resourceGroup().location

@description('Optional. Principal (object) id of the release pipeline identity that uploads the built files; empty: no role assignment.')
param publisherPrincipalId string = ''

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

resource publisherRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(publisherPrincipalId)) {
  name: guid(storage.id, publisherPrincipalId, blobDataContributorRoleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobDataContributorRoleId)
    principalId: publisherPrincipalId
    principalType: 'ServicePrincipal'
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
