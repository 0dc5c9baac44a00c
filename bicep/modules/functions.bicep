// The Functions app (functions/, packaged by `npm run package:functions`): Flex Consumption, VNet integrated, a
// user-assigned identity, identity-based connections only (no storage keys, no Service Bus connection strings), and
// the settings of its sync, jobs and notifications (functions/README.md). The app API token is a Key Vault reference.

@description('Required. Name prefix of the resources (e.g. shop-prod).')
param namePrefix string

@description('Optional. Location of the resources.')
param location string = resourceGroup().location

@description('Required. Resource id of the delegated Functions integration subnet.')
param subnetId string

@description('Required. Service Bus namespace FQDN.')
param serviceBusFullyQualifiedNamespace string

@description('Required. Resource id of Application Insights.')
param appInsightsResourceId string

@description('Optional. Scale limits of the Flex Consumption app.')
param scale scaleType = {
  maximumInstanceCount: 40
  instanceMemoryMB: 2048
}

@description('Required. Name of the Key Vault that holds the app API token (secret dapr-app-api-token).')
param keyVaultName string

@description('Required. Base URL (http://<internal load balancer address>) of each service the jobs, the notifications and the sync call, by app id; reached over the VNet, never the internet.')
param internalServiceUrls internalServiceUrlsType

@description('Optional. JSON list of the catalog sync sources.')
param syncSources string = '[]'

@description('Optional. NCRONTAB schedule (seconds first) of the catalog sync.')
param syncSchedule string = '0 0 */6 * * *'

@description('Required. Name of the Communication Services resource the e-mails are sent through (its endpoint becomes ACS_EMAIL_ENDPOINT; the identity gets its sending role there).')
param communicationServiceName string

@description('Required. Sender address of the e-mails (an address of a domain linked to the Communication Services resource).')
param emailSenderAddress string

@description('Required. Public URL of the shop (https://...): the password reset and e-mail verification links open its pages.')
param shopPublicUrl string

@description('Optional. Days after which a daily sales report moves to the cool tier.')
@minValue(1)
param reportsCoolAfterDays int = 30

@description('Optional. Days after which a daily sales report moves to the archive tier (read back by rehydration only).')
@minValue(1)
param reportsArchiveAfterDays int = 180

@description('Optional. Tags of every resource.')
param tags object = {}

@description('Base URLs of the services the Functions app calls.')
type internalServiceUrlsType = {
  @description('Required. auth (user and admin e-mail addresses, the JWKS).')
  auth: string
  @description('Required. catalog (expired reservations, sync runs).')
  catalog: string
  @description('Required. cart (abandoned carts).')
  cart: string
  @description('Required. order (daily report).')
  order: string
}

// Where auth serves its JWKS (apps/auth/src/http/well-known.routes.ts: authBasePath + /.well-known/jwks.json).
var authJwksPath = '/api/auth/.well-known/jwks.json'

@description('Flex Consumption scale limits.')
type scaleType = {
  @description('Required. Most instances.')
  @maxValue(1000)
  maximumInstanceCount: int
  @description('Required. Memory per instance in MB: 2048 or 4096.')
  @minValue(2048)
  @maxValue(4096)
  instanceMemoryMB: int
}

var roleIds = {
  blobOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b' // Storage Blob Data Owner
  queueContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88' // Storage Queue Data Contributor
  tableContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3' // Storage Table Data Contributor
  metricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb' // Monitoring Metrics Publisher
  // Communication and Email Service Owner: the only built-in role that lets an Entra identity send through
  // Communication Services (the service does not honour custom roles), so it is granted on that one resource only.
  emailSender: '09976791-48a7-449e-bb21-39d1a415f350'
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${namePrefix}-functions'
  location: location
  tags: tags
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: take('st${replace(namePrefix, '-', '')}${uniqueString(resourceGroup().id)}', 24)
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_ZRS'
  }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    defaultToOAuthAuthentication: true
    networkAcls: {
      defaultAction: 'Deny'
      bypass: 'AzureServices'
      virtualNetworkRules: [
        {
          id: subnetId
          action: 'Allow'
        }
      ]
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource reportsContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: 'reports'
  properties: {
    publicAccess: 'None'
  }
}

// The daily sales reports (functions/src/jobs: daily/<yyyy-mm-dd>.csv in the container reports) are read in the days
// after they are written, rarely after a month, and kept for the books: cool after 30 days, archive after 180 (an
// archived report is rehydrated on request, hours). Nothing is deleted: how long the books are kept is not this
// template's decision. The deployment packages in deployments are the Functions host's, left alone.
resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'dailyReportsCoolThenArchive'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                '${reportsContainer.name}/daily/'
              ]
            }
            actions: {
              baseBlob: {
                tierToCool: {
                  daysAfterModificationGreaterThan: reportsCoolAfterDays
                }
                tierToArchive: {
                  daysAfterModificationGreaterThan: reportsArchiveAfterDays
                }
              }
            }
          }
        }
      ]
    }
  }
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: 'deployments'
  properties: {
    publicAccess: 'None'
  }
}

resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in [roleIds.blobOwner, roleIds.queueContributor, roleIds.tableContributor]: {
    name: guid(storage.id, identity.id, role)
    scope: storage
    properties: {
      principalId: identity.properties.principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    }
  }
]

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: last(split(appInsightsResourceId, '/'))
}

resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, identity.id, roleIds.metricsPublisher)
  scope: appInsights
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.metricsPublisher)
  }
}

resource communicationService 'Microsoft.Communication/communicationServices@2026-03-18' existing = {
  name: communicationServiceName
}

resource emailSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(communicationService.id, identity.id, roleIds.emailSender)
  scope: communicationService
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.emailSender)
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'asp-${namePrefix}-functions'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: 'func-${namePrefix}-${uniqueString(resourceGroup().id)}'
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references in the app settings (APP_API_TOKEN) are resolved with this identity.
    keyVaultReferenceIdentity: identity.id
    virtualNetworkSubnetId: subnetId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainer.name}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: scale.maximumInstanceCount
        instanceMemoryMB: scale.instanceMemoryMB
      }
      runtime: {
        // The same major as the services' images (Dockerfile NODE_IMAGE): one Node.js in production.
        name: 'node'
        version: '22'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [
        {
          name: 'AzureWebJobsStorage__accountName'
          value: storage.name
        }
        {
          name: 'AzureWebJobsStorage__credential'
          value: 'managedidentity'
        }
        {
          name: 'AzureWebJobsStorage__clientId'
          value: identity.properties.clientId
        }
        {
          name: 'ServiceBusConnection__fullyQualifiedNamespace'
          value: serviceBusFullyQualifiedNamespace
        }
        {
          name: 'ServiceBusConnection__credential'
          value: 'managedidentity'
        }
        {
          name: 'ServiceBusConnection__clientId'
          value: identity.properties.clientId
        }
        {
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: appInsights.properties.ConnectionString
        }
        {
          name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
          value: 'ClientId=${identity.properties.clientId};Authorization=AAD'
        }
        {
          // The Node.js worker's command-line arguments (read by the Functions host when it starts the worker): the
          // same OpenTelemetry preload as the services' images, so http and the Azure SDKs are patched before the
          // app loads them. Its path is where the zip deploy puts the package (scripts/package-functions.js).
          name: 'languageWorkers__node__arguments'
          value: '--require /home/site/wwwroot/node_modules/@shop/platform/dist/telemetry-preload.js'
        }
        {
          // DefaultAzureCredential in the code picks the user-assigned identity by this.
          name: 'AZURE_CLIENT_ID'
          value: identity.properties.clientId
        }
        {
          name: 'SERVICEBUS_FULLY_QUALIFIED_NAMESPACE'
          value: serviceBusFullyQualifiedNamespace
        }
        {
          name: 'APP_API_TOKEN'
          value: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=dapr-app-api-token)'
        }
        {
          name: 'CATALOG_INTERNAL_URL'
          value: internalServiceUrls.catalog
        }
        {
          name: 'CART_INTERNAL_URL'
          value: internalServiceUrls.cart
        }
        {
          name: 'ORDER_INTERNAL_URL'
          value: internalServiceUrls.order
        }
        {
          name: 'AUTH_INTERNAL_URL'
          value: internalServiceUrls.auth
        }
        {
          name: 'AUTH_JWKS_URL'
          value: '${internalServiceUrls.auth}${authJwksPath}'
        }
        {
          name: 'SYNC_SOURCES'
          value: syncSources
        }
        {
          name: 'SYNC_SCHEDULE'
          value: syncSchedule
        }
        {
          name: 'REPORTS_BLOB_ACCOUNT_URL'
          value: storage.properties.primaryEndpoints.blob
        }
        {
          name: 'REPORTS_CONTAINER'
          value: reportsContainer.name
        }
        {
          name: 'EMAIL_TRANSPORT'
          value: 'acs'
        }
        {
          name: 'ACS_EMAIL_ENDPOINT'
          value: 'https://${communicationService.properties.hostName}'
        }
        {
          name: 'EMAIL_SENDER_ADDRESS'
          value: emailSenderAddress
        }
        {
          name: 'SHOP_PUBLIC_URL'
          value: shopPublicUrl
        }
        {
          // Per-instance dedupe of notifications until the Functions app signs in to Azure Cache for Redis with its
          // identity (the cache refuses access keys); then 'redis' with NOTIFICATION_CLAIMS_REDIS_URL (issue 15).
          name: 'NOTIFICATION_CLAIMS_STORE'
          value: 'memory'
        }
      ]
    }
  }
  dependsOn: [
    storageRoles
  ]
}

@description('The name of the Functions app.')
output name string = site.name

@description('The resource id of the Functions app.')
output resourceId string = site.id

@description('The location of the Functions app.')
output location string = location

@description('The principal id of the Functions identity (Service Bus receiver, Key Vault reader).')
output principalId string = identity.properties.principalId

@description('The client id of the Functions identity.')
output clientId string = identity.properties.clientId
