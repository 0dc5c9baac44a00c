// Product images (packages/media-store, BlobMediaStore): immutable blobs `<sha256hex>/<width>.<format>` in the container
// `media`, each with its Content-Type and `Cache-Control: public, max-age=31536000, immutable` set by the catalog as
// blob properties. The catalog writes them with its workload identity over the account's blob private endpoint; Front
// Door (route /media/*, front-door.bicep) reads them over its own Private Link connection. No shared keys, and no
// public network access: those two private paths are the only ways in.
//
// Why anonymous blob-level read is on although nothing public reaches the account: Front Door sends no credentials to
// a Private Link origin (its managed-identity origin authentication does not support Private Link origins), and an
// account with allowBlobPublicAccess false refuses every anonymous request whatever network it arrives on. So the
// container allows anonymous reads of single blobs (`Blob`, never `Container`: no listing), and publicNetworkAccess
// Disabled plus networkAcls Deny keep the internet out. docs/deployment.md, section 9.

@description('Required. Name prefix of the resources (e.g. shop-prod).')
param namePrefix string

@description('Optional. Region of the storage account.')
param location string = resourceGroup().location

@description('Required. Principal (object) id of the catalog service\'s workload identity: Storage Blob Data Contributor on the media container, Storage Blob Delegator on the account.')
param catalogPrincipalId string

@description('Required. Resource id of the subnet of the blob private endpoint.')
param privateEndpointSubnetId string

@description('Required. Resource id of the privatelink.blob private DNS zone.')
param privateDnsZoneId string

@description('Optional. Days without a read after which a media blob moves to the cool tier (a read brings it back to hot).')
@minValue(30)
param coolAfterDaysWithoutAccess int = 90

@description('Optional. Tags of every resource.')
param tags object = {}

var mediaContainerName = 'media'
var blobDataContributorRoleId = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe' // Storage Blob Data Contributor
var blobDelegatorRoleId = 'db58b8e5-c6ad-4a2a-8342-4190687cbf4a' // Storage Blob Delegator

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: take('stmed${replace(namePrefix, '-', '')}${uniqueString(resourceGroup().id)}', 24)
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_ZRS'
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    // Only for Front Door's credential-less reads over Private Link (see the top of the file); the container allows
    // single-blob reads only, and no public network reaches the account.
    allowBlobPublicAccess: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    defaultToOAuthAuthentication: true
    allowCrossTenantReplication: false
    publicNetworkAccess: 'Disabled'
    networkAcls: {
      defaultAction: 'Deny'
      bypass: 'None'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    // The lifecycle rule tiers by last read, not by age: a blob never changes after it is written, so its age says
    // nothing about whether shoppers still see it. Versioning stays off: names are content hashes, nothing is
    // overwritten.
    lastAccessTimeTrackingPolicy: {
      enable: true
      name: 'AccessTimeTracking'
      trackingGranularityInDays: 1
      blobType: [
        'blockBlob'
      ]
    }
    // A deleted variant (the catalog drops an image) can be restored for a week.
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource mediaContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: mediaContainerName
  properties: {
    // Anonymous reads of a named blob (Front Door over Private Link), never listing.
    publicAccess: 'Blob'
  }
}

// Images of products that are gone or out of the range stop being read (Front Door's cache also absorbs most reads of
// live ones, so an origin read is rare either way). After coolAfterDaysWithoutAccess days without a read a blob moves
// to cool (cheaper storage, dearer reads; its 30-day minimum is below the threshold), and its next read moves it back
// to hot. Nothing goes to cold or archive (an archived blob cannot be read at once, and cold does not tier back on
// access) and nothing is deleted here: the catalog owns which variants still belong to a product.
resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'mediaCoolWhenUnread'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                '${mediaContainerName}/'
              ]
            }
            actions: {
              baseBlob: {
                tierToCool: {
                  daysAfterLastAccessTimeGreaterThan: coolAfterDaysWithoutAccess
                }
                enableAutoTierToHotFromCool: true
              }
            }
          }
        }
      ]
    }
  }
  // Rules on last access time need the tracking policy first.
  dependsOn: [
    blobService
  ]
}

// The catalog writes and deletes media blobs in its container only; nothing else in the account.
resource catalogMediaWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(mediaContainer.id, catalogPrincipalId, blobDataContributorRoleId)
  scope: mediaContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobDataContributorRoleId)
    principalId: catalogPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// A user delegation key (for short-lived upload SAS) is an account-level operation; the SAS itself can grant no more
// than the catalog's own container-scoped role.
resource catalogDelegator 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, catalogPrincipalId, blobDelegatorRoleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobDelegatorRoleId)
    principalId: catalogPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// The catalog's way in from AKS (snet-private-endpoints, port 443, already open in the chart's egress policy).
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

@description('The storage account resource id (the Private Link target of Front Door\'s media origin).')
output resourceId string = storage.id

@description('The storage account name.')
output name string = storage.name

@description('The location of the storage account.')
output location string = storage.location

@description('The blob endpoint host of the account.')
output blobHostName string = '${storage.name}.blob.${environment().suffixes.storage}'

@description('The blob endpoint URL of the account (chart: services.catalog.env.MEDIA_BLOB_ACCOUNT_URL).')
output blobEndpoint string = 'https://${storage.name}.blob.${environment().suffixes.storage}'

@description('The container of the media blobs (chart: services.catalog.env.MEDIA_BLOB_CONTAINER).')
output containerName string = mediaContainer.name
