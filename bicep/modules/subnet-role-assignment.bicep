// One role assignment on one subnet: the narrowest scope Azure RBAC offers for what acts on a subnet (the AKS cloud
// provider placing internal load balancer frontends in it, for one).

@description('Required. Name of the virtual network.')
param virtualNetworkName string

@description('Required. Name of the subnet the role is granted on.')
param subnetName string

@description('Required. Principal (object) id that gets the role.')
param principalId string

@description('Required. Id (GUID) of the built-in role definition.')
param roleDefinitionId string

@description('Optional. Type of the principal.')
@allowed([
  'ServicePrincipal'
  'Group'
  'User'
])
param principalType string = 'ServicePrincipal'

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' existing = {
  name: virtualNetworkName
}

resource subnet 'Microsoft.Network/virtualNetworks/subnets@2024-05-01' existing = {
  parent: vnet
  name: subnetName
}

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subnet.id, principalId, roleDefinitionId)
  scope: subnet
  properties: {
    principalId: principalId
    principalType: principalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionId)
  }
}

@description('The name of the role assignment.')
output name string = assignment.name

@description('The resource id of the role assignment.')
output resourceId string = assignment.id
