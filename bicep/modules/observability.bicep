// What operators watch the platform with: an Azure Monitor workspace that AKS managed Prometheus writes to (its data
// collection endpoint, rule and association with the cluster), Azure Managed Grafana reading it, Container Insights
// with its own data collection rule (the addon's AAD auth collects nothing without one), the repository's Prometheus
// rules (observability/prometheus/rules.yaml) as Azure Monitor rule groups, an action group that e-mails (and
// optionally calls a webhook), and a metric alert on the PostgreSQL read replicas' lag (a platform metric, not
// Prometheus). Grafana dashboards are data-plane objects ARM cannot create: scripts/import-dashboards.sh imports
// observability/grafana/dashboards after the deployment (docs/deployment.md).

@description('Required. Name prefix of the resources (e.g. shop-prod).')
param namePrefix string

@description('Optional. Location of the resources.')
param location string = resourceGroup().location

@description('Required. Name of the AKS cluster (in this resource group) whose metrics and logs are collected.')
param aksName string

@description('Required. Resource id of the Log Analytics workspace of Container Insights.')
param logAnalyticsWorkspaceId string

@description('Required. Object id of the Entra group of the operators: Grafana Admin on the Grafana instance.')
@minLength(36)
param operatorsGroupObjectId string

@description('Required. Addresses the alerts are e-mailed to (at least one).')
@minLength(1)
param alertEmailAddresses string[]

@description('Optional. https URL of a webhook receiver of the alerts (e.g. the on-call tool); empty: none. Secure: such URLs usually carry their token.')
@secure()
param alertWebhookUrl string = ''

@description('Optional. Grafana spread over the region\'s availability zones (production; costs more).')
param grafanaZoneRedundant bool = false

@description('Optional. Names of the PostgreSQL read replicas (in this resource group) whose lag is alerted on.')
param postgresReplicaNames string[] = []

@description('Optional. Replica lag, in seconds, above which the replica-lag alert fires.')
param postgresReplicaLagThresholdSeconds int = 30

@description('Optional. Tags of every resource.')
param tags object = {}

// Built-in role definition ids (learn.microsoft.com/azure/role-based-access-control/built-in-roles).
var roleIds = {
  grafanaAdmin: '22926164-76b3-42b3-bc55-97df8dab3e41'
  monitoringDataReader: 'b0d8363b-8ddd-447d-831f-62ca05bff136'
  monitoringReader: '43d0d8ad-25c7-4714-9337-8ba259a9fe05'
}

// Azure Monitor's severities (0 critical ... 4 verbose) for the rules file's `severity` labels.
var severityOfLabel = {
  critical: 0
  error: 1
  warning: 2
  info: 3
}

// The rules file, as Prometheus and promtool read it (plain Prometheus format).
var prometheusRules = loadYamlContent('../../observability/prometheus/rules.yaml')

resource aks 'Microsoft.ContainerService/managedClusters@2024-09-01' existing = {
  name: aksName
}

resource monitorWorkspace 'Microsoft.Monitor/accounts@2025-10-03' = {
  name: 'amw-${namePrefix}'
  location: location
  tags: tags
  properties: {}
}

resource prometheusEndpoint 'Microsoft.Insights/dataCollectionEndpoints@2024-03-11' = {
  name: 'dce-${namePrefix}-prometheus'
  location: location
  tags: tags
  kind: 'Linux'
  properties: {}
}

resource prometheusRule 'Microsoft.Insights/dataCollectionRules@2024-03-11' = {
  name: 'dcr-${namePrefix}-prometheus'
  location: location
  tags: tags
  kind: 'Linux'
  properties: {
    dataCollectionEndpointId: prometheusEndpoint.id
    dataSources: {
      prometheusForwarder: [
        {
          name: 'PrometheusDataSource'
          streams: [
            'Microsoft-PrometheusMetrics'
          ]
        }
      ]
    }
    destinations: {
      monitoringAccounts: [
        {
          name: 'MonitoringAccount'
          accountResourceId: monitorWorkspace.id
        }
      ]
    }
    dataFlows: [
      {
        streams: [
          'Microsoft-PrometheusMetrics'
        ]
        destinations: [
          'MonitoringAccount'
        ]
      }
    ]
  }
}

// The metrics addon reads its configuration through the endpoint associated under this exact name.
resource prometheusEndpointAssociation 'Microsoft.Insights/dataCollectionRuleAssociations@2024-03-11' = {
  name: 'configurationAccessEndpoint'
  scope: aks
  properties: {
    dataCollectionEndpointId: prometheusEndpoint.id
  }
}

resource prometheusRuleAssociation 'Microsoft.Insights/dataCollectionRuleAssociations@2024-03-11' = {
  name: 'dcra-${namePrefix}-prometheus'
  scope: aks
  properties: {
    dataCollectionRuleId: prometheusRule.id
  }
}

resource containerInsightsRule 'Microsoft.Insights/dataCollectionRules@2024-03-11' = {
  name: 'dcr-${namePrefix}-container-insights'
  location: location
  tags: tags
  kind: 'Linux'
  properties: {
    dataSources: {
      extensions: [
        {
          name: 'ContainerInsightsExtension'
          extensionName: 'ContainerInsights'
          streams: [
            'Microsoft-ContainerInsights-Group-Default'
          ]
          extensionSettings: {
            dataCollectionSettings: {
              interval: '1m'
              namespaceFilteringMode: 'Off'
              enableContainerLogV2: true
            }
          }
        }
      ]
    }
    destinations: {
      logAnalytics: [
        {
          name: 'ContainerInsightsWorkspace'
          workspaceResourceId: logAnalyticsWorkspaceId
        }
      ]
    }
    dataFlows: [
      {
        streams: [
          'Microsoft-ContainerInsights-Group-Default'
        ]
        destinations: [
          'ContainerInsightsWorkspace'
        ]
      }
    ]
  }
}

resource containerInsightsAssociation 'Microsoft.Insights/dataCollectionRuleAssociations@2024-03-11' = {
  name: 'ContainerInsightsExtension'
  scope: aks
  properties: {
    dataCollectionRuleId: containerInsightsRule.id
  }
}

resource grafana 'Microsoft.Dashboard/grafana@2025-08-01' = {
  name: 'grafana-${namePrefix}'
  location: location
  tags: tags
  sku: {
    name: 'Standard'
  }
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    // Operators sign in with Entra ID; API keys and service-account tokens would be credentials outside it.
    apiKey: 'Disabled'
    zoneRedundancy: grafanaZoneRedundant ? 'Enabled' : 'Disabled'
    grafanaIntegrations: {
      azureMonitorWorkspaceIntegrations: [
        {
          azureMonitorWorkspaceResourceId: monitorWorkspace.id
        }
      ]
    }
  }
}

resource operatorsGrafanaAdmin 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(grafana.id, operatorsGroupObjectId, roleIds.grafanaAdmin)
  scope: grafana
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.grafanaAdmin)
    principalId: operatorsGroupObjectId
    principalType: 'Group'
  }
}

// Grafana's Prometheus data source queries the workspace as Grafana's identity.
resource grafanaReadsPrometheus 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(monitorWorkspace.id, grafana.id, roleIds.monitoringDataReader)
  scope: monitorWorkspace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.monitoringDataReader)
    principalId: grafana.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

// The Log Analytics workspace (in this resource group) that Container Insights and every diagnostic setting of
// diagnostics.bicep write to, logs and platform metrics (AzureMetrics) alike.
resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: last(split(logAnalyticsWorkspaceId, '/'))
}

// Grafana's Azure Monitor data source queries those logs and metrics as Grafana's identity: Monitoring Reader on the
// workspace that holds them, rather than on the resource group (which would also read every resource's
// configuration) or the subscription.
resource grafanaReadsAzureMonitor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(logAnalytics.id, grafana.id, roleIds.monitoringReader)
  scope: logAnalytics
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.monitoringReader)
    principalId: grafana.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource alerts 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: 'ag-${namePrefix}-operators'
  location: 'global'
  tags: tags
  properties: {
    enabled: true
    // At most 12 characters, shown as the sender of the e-mails and SMS.
    groupShortName: take(replace(namePrefix, '-', ''), 12)
    emailReceivers: [
      for (address, i) in alertEmailAddresses: {
        name: 'email-${i + 1}'
        emailAddress: address
        useCommonAlertSchema: true
      }
    ]
    webhookReceivers: empty(alertWebhookUrl)
      ? []
      : [
          {
            name: 'webhook'
            serviceUri: alertWebhookUrl
            useCommonAlertSchema: true
          }
        ]
  }
}

// One Azure Monitor rule group per group of the rules file, evaluated against the workspace for this cluster.
// Prometheus durations (2m, 1h, 1h30m) become ISO 8601 (PT2M, PT1H, PT1H30M); the rules file keeps to h/m/s units so
// that this stays exact (test/deploy/bicep-observability.test.ts). A rule without `for` fires on its first evaluation,
// as in Prometheus; a severity label outside severityOfLabel fails the deployment rather than paging at a guess.
resource ruleGroups 'Microsoft.AlertsManagement/prometheusRuleGroups@2023-03-01' = [
  for group in prometheusRules.groups: {
    name: '${namePrefix}-${group.name}'
    location: location
    tags: tags
    properties: {
      description: 'observability/prometheus/rules.yaml, group ${group.name}'
      enabled: true
      clusterName: aks.name
      scopes: [
        monitorWorkspace.id
        aks.id
      ]
      interval: 'PT${toUpper(group.?interval ?? '1m')}'
      rules: map(group.rules, rule => contains(rule, 'record')
        ? {
            record: rule.record
            expression: rule.expr
            enabled: true
            labels: rule.?labels ?? {}
          }
        : {
            alert: rule.alert
            expression: rule.expr
            enabled: true
            for: contains(rule, 'for') ? 'PT${toUpper(rule.for)}' : null
            severity: severityOfLabel[rule.?labels.?severity ?? 'warning']
            labels: rule.?labels ?? {}
            annotations: rule.?annotations ?? {}
            actions: [
              {
                actionGroupId: alerts.id
              }
            ]
            resolveConfiguration: {
              autoResolved: true
              timeToResolve: 'PT10M'
            }
          })
    }
  }
]

resource replicas 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' existing = [
  for name in postgresReplicaNames: {
    name: name
  }
]

// Read replicas serve catalog's reads: a replica far behind shows shoppers stale stock and prices.
resource replicaLag 'Microsoft.Insights/metricAlerts@2026-01-01' = [
  for (name, i) in postgresReplicaNames: {
    name: 'alert-${name}-replication-lag'
    location: 'global'
    tags: tags
    properties: {
      description: 'PostgreSQL read replica ${name} is more than ${postgresReplicaLagThresholdSeconds} s behind its primary'
      severity: 2
      enabled: true
      scopes: [
        replicas[i].id
      ]
      evaluationFrequency: 'PT1M'
      windowSize: 'PT5M'
      autoMitigate: true
      criteria: {
        'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
        allOf: [
          {
            criterionType: 'StaticThresholdCriterion'
            name: 'replication-lag'
            metricNamespace: 'Microsoft.DBforPostgreSQL/flexibleServers'
            metricName: 'physical_replication_delay_in_seconds'
            operator: 'GreaterThan'
            threshold: postgresReplicaLagThresholdSeconds
            timeAggregation: 'Maximum'
          }
        ]
      }
      actions: [
        {
          actionGroupId: alerts.id
        }
      ]
    }
  }
]

@description('Name of the Azure Monitor workspace (managed Prometheus).')
output name string = monitorWorkspace.name

@description('Resource id of the Azure Monitor workspace.')
output resourceId string = monitorWorkspace.id

@description('Location of the resources.')
output location string = location

@description('PromQL query endpoint of the workspace.')
output prometheusQueryEndpoint string = monitorWorkspace.properties.metrics.prometheusQueryEndpoint

@description('Name of the Grafana instance (scripts/import-dashboards.sh).')
output grafanaName string = grafana.name

@description('URL of Grafana.')
output grafanaEndpoint string = grafana.properties.endpoint

@description('Resource id of the operators\' action group.')
output actionGroupId string = alerts.id
