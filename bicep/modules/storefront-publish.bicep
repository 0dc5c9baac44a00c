// Uploads a built storefront (apps/storefront/dist, packed as a .tar.gz by the release) to the web storage account
// from inside the VNet, where its blob private endpoint answers: the account refuses public network access. Hashed
// assets get a year's immutable caching, index.html none (the same headers the local gateway serves). The script
// runs only when an archive URL is given; a new URL uploads again.

@description('Required. Name prefix of the resources (e.g. shop-prod).')
param namePrefix string

@description('Optional. Location of the script.')
param location string = resourceGroup().location

@description('Required. Resource id of the identity the script runs as (Storage Blob Data Contributor on the account).')
param runnerIdentityResourceId string

@description('Required. Storage account of the deployment scripts.')
param runnerStorageAccountName string

@description('Required. Resource id of the subnet the script\'s container group joins.')
param subnetId string

@description('Required. The web storage account.')
param webStorageAccountName string

@description('Required. The container of the storefront in it.')
param webContainerName string

@description('Optional. https URL of the storefront archive (.tar.gz of the contents of apps/storefront/dist), e.g. a release asset; empty: nothing to upload.')
param archiveUrl string = ''

@description('Optional. Azure CLI version of the script container.')
param azCliVersion string = '2.67.0'

@description('Optional. Tags of every resource.')
param tags object = {}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: runnerStorageAccountName
}

resource script 'Microsoft.Resources/deploymentScripts@2023-08-01' = if (!empty(archiveUrl)) {
  name: 'ds-${namePrefix}-storefront-publish'
  location: location
  tags: tags
  kind: 'AzureCLI'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${runnerIdentityResourceId}': {}
    }
  }
  properties: {
    azCliVersion: azCliVersion
    forceUpdateTag: uniqueString(archiveUrl)
    containerSettings: {
      subnetIds: [
        {
          id: subnetId
        }
      ]
    }
    storageAccountSettings: {
      storageAccountName: storage.name
      storageAccountKey: listKeys(storage.id, storage.apiVersion).keys[0].value
    }
    environmentVariables: [
      {
        name: 'ARCHIVE_URL'
        value: archiveUrl
      }
      {
        name: 'WEB_STORAGE_ACCOUNT'
        value: webStorageAccountName
      }
      {
        name: 'WEB_CONTAINER'
        value: webContainerName
      }
    ]
    scriptContent: loadTextContent('scripts/publish-storefront.sh')
    timeout: 'PT15M'
    retentionInterval: 'P1D'
    cleanupPreference: 'OnSuccess'
  }
}

@description('The name of the deployment script.')
output name string = script.name

@description('The resource id of the deployment script (empty when nothing was uploaded).')
output resourceId string = empty(archiveUrl) ? '' : script.id

@description('The location of the deployment script.')
output location string = location
