// One user-assigned managed identity per service, federated with that service's Kubernetes service account
// (Azure workload identity): the app and its Dapr sidecar sign in as it. Least privilege is granted per identity by
// the modules of the resources (Service Bus topics, Redis, Key Vault).

@description('Required. Name prefix of the resources (e.g. shop-prod).')
param namePrefix string

@description('Optional. Location of the identities.')
param location string = resourceGroup().location

@description('Required. Issuer URL of the AKS OIDC issuer.')
param oidcIssuerUrl string

@description('Required. The services and their Kubernetes service accounts.')
param workloads workloadType[]

@description('Optional. Tags of every resource.')
param tags object = {}

@description('A service that signs in with workload identity.')
type workloadType = {
  @description('Required. Dapr app id of the service (AppIds).')
  appId: string
  @description('Required. Kubernetes namespace of the service account.')
  namespace: string
  @description('Required. Kubernetes service account name (charts/shop: <release>-<appId>).')
  serviceAccount: string
}

resource identities 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = [
  for workload in workloads: {
    name: 'id-${namePrefix}-${workload.appId}'
    location: location
    tags: tags
  }
]

resource federatedCredentials 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2023-01-31' = [
  for (workload, i) in workloads: {
    parent: identities[i]
    name: 'aks-${workload.namespace}-${workload.serviceAccount}'
    properties: {
      issuer: oidcIssuerUrl
      subject: 'system:serviceaccount:${workload.namespace}:${workload.serviceAccount}'
      audiences: [
        'api://AzureADTokenExchange'
      ]
    }
  }
]

@description('The identities by app id: name, resourceId, clientId, principalId.')
output identities array = [
  for (workload, i) in workloads: {
    appId: workload.appId
    name: identities[i].name
    resourceId: identities[i].id
    clientId: identities[i].properties.clientId
    principalId: identities[i].properties.principalId
  }
]

@description('The location of the identities.')
output location string = location
