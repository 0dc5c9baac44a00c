// Key Vault with RBAC authorization, purge protection and a private endpoint. Each service identity gets Key Vault
// Secrets User (read secrets, nothing else). Secrets themselves are created out of band (docs/deploy.md): no secret
// value ever passes through a template or a parameter file.

@description('Required. Name of the vault (3-24 characters, globally unique; main.bicep derives it).')
param name string

@description('Optional. Location of the vault.')
param location string = resourceGroup().location

@description('Required. Principal ids granted Key Vault Secrets User.')
param secretsUserPrincipalIds string[]

@description('Optional. Principal ids granted Key Vault Secrets Officer (the people or pipeline that set secrets).')
param secretsOfficerPrincipalIds string[] = []

@description('Required. Resource id of the private endpoints subnet.')
param privateEndpointSubnetId string

@description('Required. Resource id of the privatelink.vaultcore.azure.net zone.')
param privateDnsZoneId string

@description('Optional. Tags of every resource.')
param tags object = {}

var roleIds = {
  secretsUser: '4633458b-17de-408a-b874-0445c86b69e6' // Key Vault Secrets User
  secretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7' // Key Vault Secrets Officer
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Disabled'
    networkAcls: {
      defaultAction: 'Deny'
      bypass: 'AzureServices'
    }
  }
}

resource secretsUsers 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for principalId in secretsUserPrincipalIds: {
    name: guid(vault.id, principalId, roleIds.secretsUser)
    scope: vault
    properties: {
      principalId: principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.secretsUser)
    }
  }
]

resource secretsOfficers 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for principalId in secretsOfficerPrincipalIds: {
    name: guid(vault.id, principalId, roleIds.secretsOfficer)
    scope: vault
    properties: {
      principalId: principalId
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.secretsOfficer)
    }
  }
]

module privateEndpoint 'private-endpoint.bicep' = {
  name: '${deployment().name}-pe'
  params: {
    name: 'pe-${vault.name}'
    location: location
    subnetId: privateEndpointSubnetId
    targetResourceId: vault.id
    groupId: 'vault'
    privateDnsZoneId: privateDnsZoneId
    tags: tags
  }
}

@description('The name of the vault.')
output name string = vault.name

@description('The resource id of the vault.')
output resourceId string = vault.id

@description('The location of the vault.')
output location string = location

@description('The vault URI.')
output vaultUri string = vault.properties.vaultUri
