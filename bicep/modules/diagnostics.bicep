// Diagnostic settings: every resource on the request path and the data services send their logs and platform metrics
// to the Log Analytics workspace. Kept apart from the resources' modules (extension resources on `existing`
// declarations), so that one place lists what is watched and a resource added later shows up missing here.

@description('Required. Resource id of the Log Analytics workspace.')
param logAnalyticsWorkspaceId string

@description('Required. Names of the watched resources, all in this resource group.')
param names diagnosticsTargetsType

@description('The watched resources.')
type diagnosticsTargetsType = {
  @description('Required. Front Door profile.')
  frontDoorProfile: string
  @description('Required. Application Gateway.')
  appGateway: string
  @description('Required. AKS cluster.')
  aks: string
  @description('Required. PostgreSQL flexible server (the primary).')
  postgres: string
  @description('Required. Service Bus namespace.')
  serviceBus: string
  @description('Required. Redis cache.')
  redis: string
  @description('Required. Key Vault.')
  keyVault: string
  @description('Required. Functions app.')
  functionsApp: string
}

// Every log category and every platform metric (the default where a service has nothing noisy to leave out).
var allLogsAndMetrics = {
  workspaceId: logAnalyticsWorkspaceId
  logs: [
    {
      categoryGroup: 'allLogs'
      enabled: true
    }
  ]
  metrics: [
    {
      category: 'AllMetrics'
      enabled: true
    }
  ]
}

resource frontDoorProfile 'Microsoft.Cdn/profiles@2024-09-01' existing = {
  name: names.frontDoorProfile
}

resource appGateway 'Microsoft.Network/applicationGateways@2024-05-01' existing = {
  name: names.appGateway
}

resource aks 'Microsoft.ContainerService/managedClusters@2024-09-01' existing = {
  name: names.aks
}

resource postgres 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' existing = {
  name: names.postgres
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: names.serviceBus
}

resource redis 'Microsoft.Cache/redis@2024-11-01' existing = {
  name: names.redis
}

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: names.keyVault
}

resource functionsApp 'Microsoft.Web/sites@2024-04-01' existing = {
  name: names.functionsApp
}

resource frontDoorDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: frontDoorProfile
  properties: allLogsAndMetrics
}

resource appGatewayDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: appGateway
  properties: allLogsAndMetrics
}

// Not allLogs on AKS: the full kube-audit log (every read of every controller) costs more than the rest together;
// kube-audit-admin keeps the writes, which is what an investigation asks for.
resource aksDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: aks
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      for category in ['kube-audit-admin', 'kube-apiserver', 'kube-controller-manager', 'cluster-autoscaler', 'guard']: {
        category: category
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'AllMetrics'
        enabled: true
      }
    ]
  }
}

resource postgresDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: postgres
  properties: allLogsAndMetrics
}

resource serviceBusDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: serviceBus
  properties: allLogsAndMetrics
}

resource redisDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: redis
  properties: allLogsAndMetrics
}

resource keyVaultDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: keyVault
  properties: allLogsAndMetrics
}

resource functionsDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: functionsApp
  properties: allLogsAndMetrics
}

@description('Name of the diagnostic setting on every watched resource.')
output name string = 'to-log-analytics'
