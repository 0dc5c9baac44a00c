// Log Analytics workspace and workspace-based Application Insights: AKS Container Insights, App Gateway and Front
// Door diagnostics, and the services' OpenTelemetry export all land in one workspace.

@description('Required. Name prefix of the resources (e.g. shop-prod).')
param namePrefix string

@description('Optional. Location of the resources.')
param location string = resourceGroup().location

@description('Optional. Days of log retention in the workspace.')
@minValue(30)
@maxValue(730)
param retentionInDays int = 30

@description('Optional. Tags of every resource.')
param tags object = {}

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-${namePrefix}'
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
    features: {
      enableLogAccessUsingOnlyResourcePermissions: true
    }
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${namePrefix}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    // Telemetry must be sent with an Entra token: the instrumentation key alone is refused, so a leaked connection
    // string sends nothing. The Functions app and the services sign in with their identities, which hold Monitoring
    // Metrics Publisher on this component (app-insights-access.bicep, functions.bicep).
    DisableLocalAuth: true
    IngestionMode: 'LogAnalytics'
  }
}

@description('The name of the Log Analytics workspace.')
output name string = workspace.name

@description('The resource id of the Log Analytics workspace.')
output resourceId string = workspace.id

@description('The location of the resources.')
output location string = location

@description('The resource id of Application Insights.')
output appInsightsResourceId string = appInsights.id

@description('The name of Application Insights.')
output appInsightsName string = appInsights.name
