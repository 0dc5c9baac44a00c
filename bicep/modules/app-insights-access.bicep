// Who may send telemetry to Application Insights. Local (instrumentation key) authentication is off, so ingestion
// needs an Entra token of an identity holding Monitoring Metrics Publisher on the component; the connection string
// then only locates the resource and is handed out (Key Vault secret applicationinsights-connection-string).

@description('Required. Resource id of the Application Insights component.')
param appInsightsResourceId string

@description('Required. Principal (object) ids of the managed identities that send telemetry.')
param publisherPrincipalIds string[]

var metricsPublisherRoleId = '3913510d-42f4-4e42-8a64-420c390055eb' // Monitoring Metrics Publisher

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: last(split(appInsightsResourceId, '/'))
}

resource publishers 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for principalId in publisherPrincipalIds: {
    name: guid(appInsights.id, principalId, metricsPublisherRoleId)
    scope: appInsights
    properties: {
      principalId: principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', metricsPublisherRoleId)
    }
  }
]

@description('The name of the component.')
output name string = appInsights.name

@description('The resource id of the component.')
output resourceId string = appInsights.id

@description('The location of the component.')
output location string = appInsights.location

@description('The connection string (no secret with local authentication off: it only locates the component).')
output connectionString string = appInsights.properties.ConnectionString
