// Key Vault with RBAC authorization, purge protection and a private endpoint. Nobody reads secrets at the vault's
// scope: key-vault-secrets.bicep writes the secrets and grants Key Vault Secrets User on each secret to the identities
// that read it. The people or pipeline that rotate secrets get Key Vault Secrets Officer here.

@description('Required. Name of the vault (3-24 characters, globally unique; main.bicep derives it).')
param name string

@description('Optional. Location of the vault.')
param location string = resourceGroup().location

@description('Optional. Principal ids granted Key Vault Secrets Officer (the people or pipeline that set secrets).')
param secretsOfficerPrincipalIds string[] = []

@description('Required. Resource id of the private endpoints subnet.')
param privateEndpointSubnetId string

@description('Required. Resource id of the privatelink.vaultcore.azure.net zone.')
param privateDnsZoneId string

@description('Optional. Tags of every resource.')
param tags object = {}

var secretsOfficerRoleId = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7' // Key Vault Secrets Officer

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

resource secretsOfficers 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for principalId in secretsOfficerPrincipalIds: {
    name: guid(vault.id, principalId, secretsOfficerRoleId)
    scope: vault
    properties: {
      principalId: principalId
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsOfficerRoleId)
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
