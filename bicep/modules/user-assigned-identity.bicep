// One user-assigned managed identity, on its own so that a deployment can create it before the resource that runs as
// it: the roles it needs (a Key Vault secret, for one) are then granted before that resource first starts.

@description('Required. Name of the identity.')
param name string

@description('Optional. Location of the identity.')
param location string = resourceGroup().location

@description('Optional. Tags of the identity.')
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

@description('The name of the identity.')
output name string = identity.name

@description('The resource id of the identity.')
output resourceId string = identity.id

@description('The location of the identity.')
output location string = location

@description('The principal (object) id of the identity.')
output principalId string = identity.properties.principalId

@description('The client id of the identity.')
output clientId string = identity.properties.clientId
