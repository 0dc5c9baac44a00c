// The operators' way in: Key Vault, PostgreSQL and the web storage account answer only inside the VNet, so the
// data-plane steps of a deployment run there, as deployment scripts (Microsoft.Resources/deploymentScripts) whose
// container groups join the delegated snet-deployment-scripts. This module is their environment: the identity they
// run as and the storage account that holds each script and its log. The scripts themselves are the
// database-principals and storefront-publish modules.

@description('Required. Name prefix of the resources (e.g. shop-prod).')
param namePrefix string

@description('Optional. Location of the resources.')
param location string = resourceGroup().location

@description('Required. Resource id of the subnet delegated to Microsoft.ContainerInstance/containerGroups.')
param subnetId string

@description('Optional. Tags of every resource.')
param tags object = {}

// Storage File Data Privileged Contributor: the script service mounts the account's file share as this identity.
var fileDataPrivilegedContributorRoleId = '69566ab7-960f-475b-8e7c-b3118f30c6bd'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${namePrefix}-deployment-scripts'
  location: location
  tags: tags
}

// The one storage account that keeps shared keys: the deployment script service mounts its file share with the
// account key (it has no identity-based mount). Nothing but the scripts' subnet and trusted Azure services reach it.
resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: take('stds${replace(namePrefix, '-', '')}${uniqueString(resourceGroup().id)}', 24)
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    allowSharedKeyAccess: true
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    networkAcls: {
      defaultAction: 'Deny'
      bypass: 'AzureServices'
      virtualNetworkRules: [
        {
          id: subnetId
          action: 'Allow'
        }
      ]
    }
  }
}

resource fileDataRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, fileDataPrivilegedContributorRoleId)
  scope: storage
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', fileDataPrivilegedContributorRoleId)
  }
}

@description('The name of the scripts\' identity (also its PostgreSQL role name as an Entra administrator).')
output name string = identity.name

@description('The resource id of the scripts\' identity.')
output resourceId string = identity.id

@description('The location of the resources.')
output location string = location

@description('The principal (object) id of the scripts\' identity.')
output principalId string = identity.properties.principalId

@description('The storage account of the scripts.')
output storageAccountName string = storage.name

@description('The subnet the scripts run in.')
output subnetId string = subnetId
