// Secrets of the vault and who may read each one. A value is written through Azure Resource Manager (a management-plane
// write, so the private vault accepts it from the deployment); an empty value leaves the secret in the vault as it is,
// which keeps a generated token stable across deployments. Each reader gets Key Vault Secrets User on exactly the
// secrets it reads (the role assignment's scope is the secret), never on the vault: a secret it does not read stays
// out of its reach. A reader's secret that neither this deployment writes nor the vault holds fails the deployment
// (the scope of its role assignment does not exist) before anything that reads it starts.

@description('Required. Name of the vault.')
param vaultName string

@description('Optional. Secret name to value; an empty value keeps the secret already in the vault.')
@secure()
param values object = {}

@description('Optional. Secret name to content type (e.g. application/x-pkcs12 for a certificate an Application Gateway reads).')
param contentTypes object = {}

@description('Required. The principals and the secrets each one reads.')
param readers secretReaderType[]

@description('A principal and the secrets it reads.')
type secretReaderType = {
  @description('Required. Principal (object) id of a managed identity.')
  principalId: string
  @description('Required. Names of the secrets it reads.')
  secretNames: string[]
}

var secretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6' // Key Vault Secrets User

var writtenSecrets = filter(items(values), secret => !empty(secret.value))

// One grant per (reader, secret) pair.
var grants = flatten(map(readers, reader => map(reader.secretNames, secretName => {
  principalId: reader.principalId
  secretName: secretName
})))

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: vaultName
}

resource secrets 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = [
  for secret in writtenSecrets: {
    parent: vault
    name: secret.key
    properties: {
      value: secret.value
      contentType: contains(contentTypes, secret.key) ? contentTypes[secret.key] : 'text/plain'
    }
  }
]

resource grantedSecrets 'Microsoft.KeyVault/vaults/secrets@2023-07-01' existing = [
  for grant in grants: {
    parent: vault
    name: grant.secretName
  }
]

resource secretsUsers 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (grant, i) in grants: {
    name: guid(vault.id, grant.secretName, grant.principalId, secretsUserRoleId)
    scope: grantedSecrets[i]
    properties: {
      principalId: grant.principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUserRoleId)
    }
    dependsOn: [
      secrets
    ]
  }
]

@description('The name of the vault.')
output name string = vault.name

@description('The resource id of the vault.')
output resourceId string = vault.id

@description('The location of the vault.')
output location string = vault.location
