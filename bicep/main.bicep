// The shop platform's Azure resources, one module per concern (bicep/modules). Deployed to an existing resource
// group (`az group create` first): a resource-group scope keeps the deployer's rights to that group.
// Written as plain resources rather than Azure Verified Modules because this repository is built offline; the
// modules follow AVM's conventions (decorated parameters, user-defined types, standard outputs) so that swapping
// them for the published br/public:avm/res/* modules later is mechanical.
targetScope = 'resourceGroup'

@description('Required. Environment: sets names and sizes.')
@allowed([
  'dev'
  'prod'
])
param environmentName string

@description('Optional. Location of every regional resource (needs availability zones).')
param location string = resourceGroup().location

@description('Optional. The regions of the platform (docs/regions.md), the home region first: the one equal to location is the home region (its resources are the modules below, names unchanged); every other one is a regional stamp (modules/region-stamp.bicep) with its own VNet, Application Gateway, AKS, Redis and PostgreSQL read replica. Default: the home region alone.')
@maxLength(3)
param regions regionType[] = [
  {
    location: location
    code: 'home'
    addressPrefix: '10.20.0.0/16'
    originHostName: appGatewayOriginHostName
  }
]

@description('Optional. Service Bus geo-replication (namespace API 2026-01-01, geoDataReplication): the namespace keeps a secondary replica in the second region, promoted by an operator. Off: one namespace in the home region (docs/regions.md).')
param serviceBusGeoReplication bool = false

@description('Optional. Kubernetes namespace the chart is installed in (subject of the federated credentials).')
param kubernetesNamespace string = 'shop'

@description('Optional. Helm release name of charts/shop (service accounts are <release>-<appId>).')
param helmReleaseName string = 'shop'

@description('Optional. Kubernetes version of AKS (empty: the region default).')
param kubernetesVersion string = ''

@description('Required. AKS node pools.')
param aksPools aksPoolsType

@description('Required. Entra group object ids that administer AKS (they get Azure Kubernetes Service RBAC Cluster Admin); the parameter files read SHOP_AKS_ADMIN_GROUP_ID.')
@minLength(1)
param aksAdminGroupObjectIds string[]

@description('Required. PostgreSQL compute and storage.')
param postgresSizing postgresSizingType

@description('Optional. PostgreSQL high availability.')
@allowed([
  'Disabled'
  'ZoneRedundant'
  'SameZone'
])
param postgresHighAvailability string = 'ZoneRedundant'

@description('Optional. PostgreSQL read replicas.')
@minValue(0)
@maxValue(5)
param postgresReadReplicaCount int = 0

@description('Required. The Entra group that administers PostgreSQL.')
param postgresEntraAdministrator postgresEntraAdministratorType

@description('Optional. Azure Cache for Redis Premium capacity (P1..P5).')
@allowed([
  1
  2
  3
  4
  5
])
param redisCapacity int = 1

@description('Optional. Service Bus Premium messaging units.')
@allowed([
  1
  2
  4
  8
  16
])
param serviceBusCapacity int = 1

@description('Optional. Front Door WAF: requests per minute per client address on /api.')
@minValue(10)
param frontDoorRateLimitPerMinute int = 600

@description('Optional. ISO 3166-1 alpha-2 codes of the countries Front Door reports to the catalog in X-Client-Country (one rule each, at most 97: a Front Door route holds 100 rules): the countries of the catalog\'s MARKETS. Default: those of the default markets (packages/contracts defaultMarkets: eu, us, uk, jp).')
@maxLength(97)
param clientCountries string[] = [
  // eu
  'AT'
  'BE'
  'CY'
  'DE'
  'EE'
  'ES'
  'FI'
  'FR'
  'GR'
  'HR'
  'IE'
  'IT'
  'LT'
  'LU'
  'LV'
  'MT'
  'NL'
  'PT'
  'SI'
  'SK'
  // us
  'US'
  // uk
  'GB'
  // jp
  'JP'
]

@description('Optional. Principal (object) id of a release pipeline identity (running inside the VNet) that uploads the storefront build too (Storage Blob Data Contributor on its account); empty: only the storefront-publish deployment script uploads.')
param webPublisherPrincipalId string = ''

@description('Optional. https URL of a storefront build archive (.tar.gz of the contents of apps/storefront/dist) that a deployment script uploads from inside the VNet; each new URL uploads again. Empty: nothing is uploaded.')
param storefrontArchiveUrl string = ''

@description('Optional. Principals that may set Key Vault secrets (Key Vault Secrets Officer).')
param keyVaultSecretsOfficerPrincipalIds string[] = []

@description('Optional. JSON list of the external catalog sync sources (name, kind, baseUrl, credentialRef...; see functions/README.md).')
param syncSources string = '[]'

@description('Optional. Geography where Communication Services keeps the e-mail data at rest.')
param communicationDataLocation string = 'Europe'

@description('Optional. Public URL of the shop (https://, e.g. a custom domain of Front Door) that the password reset and e-mail verification links open. Empty: the Front Door endpoint.')
param shopPublicUrl string = ''

@description('Optional. Host name Front Door connects to on the Application Gateway, the name its certificate is issued for: a custom name (e.g. origin.shop.example.com) with a CNAME to the output appGatewayPublicFqdn, or empty for that FQDN itself. The parameter files read SHOP_ORIGIN_HOST_NAME.')
param appGatewayOriginHostName string = ''

@description('Optional. Key Vault secret of the Application Gateway\'s origin certificate.')
param appGatewayCertificateSecretName string = 'appgw-origin-tls'

@description('Optional. The origin certificate for appGatewayOriginHostName from a public CA (Front Door trusts no self-signed origin), as base64 of a PFX without password; written to the secret appGatewayCertificateSecretName. Required on the first deployment and to renew; empty: the certificate in Key Vault stays. The parameter files read SHOP_APPGW_CERTIFICATE_PFX.')
@secure()
param appGatewayCertificatePfx string = ''

@description('Optional. Token the Dapr sidecars present to their apps and the Functions app presents on /internal routes (Key Vault secret dapr-app-api-token). Required on the first deployment and to rotate; empty: the secret stays as it is, so redeployments never rotate it under running pods. The parameter files read SHOP_DAPR_APP_API_TOKEN.')
@secure()
param daprAppApiToken string = ''

@description('Optional. Token the apps present to their Dapr sidecars (Key Vault secret dapr-api-token). Required on the first deployment and to rotate; empty: the secret stays. The parameter files read SHOP_DAPR_API_TOKEN.')
@secure()
param daprApiToken string = ''

@description('Optional. PEM private key(s) auth signs its tokens with (Key Vault secret auth-signing-keys). Required on the first deployment and to roll keys; empty: the secret stays. The parameter files read SHOP_AUTH_SIGNING_KEYS.')
@secure()
param authSigningKeys string = ''

@description('Optional. Server-side secret (at least 32 characters) auth hashes partner API keys with, HMAC-SHA-256 (Key Vault secret api-key-hash-secret). Required on the first deployment; empty: the secret stays. Changing it invalidates every issued key. The parameter files read SHOP_API_KEY_HASH_SECRET.')
@secure()
param apiKeyHashSecret string = ''

@description('Optional. Public CIDR ranges that may reach the AKS API server (operators, deployment runner). Empty: any address; main.prod.bicepparam requires SHOP_AKS_API_AUTHORIZED_IP_RANGES.')
param aksApiServerAuthorizedIpRanges string[] = []

@description('Optional. Public CIDR ranges that may push to the registry in dev (its public endpoint denies every other address); production has no public endpoint.')
param registryAllowedIpRanges string[] = []

@description('Required. Object id of the Entra group of the operators: Grafana Admin on the Grafana instance. The parameter files read SHOP_OPERATORS_GROUP_ID (no default).')
@minLength(36)
param operatorsGroupObjectId string

@description('Required. Addresses the alerts are e-mailed to. The parameter files read SHOP_ALERT_EMAILS (comma-separated, no default).')
@minLength(1)
param alertEmailAddresses string[]

@description('Optional. https URL of a webhook receiver of the alerts (an on-call tool); the parameter files read SHOP_ALERT_WEBHOOK_URL.')
@secure()
param alertWebhookUrl string = ''

@description('Optional. Tags of every resource.')
param tags object = {}

@description('Sizing of one AKS node pool.')
type poolType = {
  @description('Required. VM size.')
  vmSize: string
  @description('Required. Minimum nodes.')
  minCount: int
  @description('Required. Maximum nodes.')
  maxCount: int
}

@description('The AKS node pools.')
type aksPoolsType = {
  @description('Required. System pool.')
  system: poolType
  @description('Required. User pool (services).')
  user: poolType
  @description('Required. Spot pool (background work).')
  spot: poolType
}

@description('A region of the platform.')
type regionType = {
  @description('Required. Azure region (e.g. northeurope); it needs availability zones.')
  location: string
  @description('Required. Short code of the region in resource names and Key Vault secret names (e.g. neu).')
  @minLength(2)
  @maxLength(4)
  code: string
  @description('Required. Address space of the region\'s VNet, a /16 overlapping no other region\'s (the home VNet is 10.20.0.0/16; the region\'s chart values name its subnets).')
  addressPrefix: string
  @description('Required. Host name Front Door connects to on the region\'s gateway (its certificate\'s name), or empty for the gateway\'s own FQDN. The home region uses appGatewayOriginHostName.')
  originHostName: string
}

@description('PostgreSQL compute and storage.')
type postgresSizingType = {
  @description('Required. SKU name.')
  skuName: string
  @description('Required. SKU tier.')
  tier: ('Burstable' | 'GeneralPurpose' | 'MemoryOptimized')
  @description('Required. Storage in GB.')
  storageSizeGB: int
}

@description('The Entra administrator group of PostgreSQL.')
type postgresEntraAdministratorType = {
  @description('Required. Object id of the group.')
  objectId: string
  @description('Required. Display name of the group.')
  principalName: string
}

var namePrefix = 'shop-${environmentName}'

// Every region but the home one (location) gets a regional stamp.
var otherRegions = filter(regions, region => region.location != location)
var allTags = union(tags, {
  application: 'shop'
  environment: environmentName
})

// AppIds of packages/contracts that run in AKS with a workload identity.
var serviceAppIds = [
  'auth'
  'catalog'
  'cart'
  'order'
]

// The services that own a PostgreSQL database (shop_<appId>); cart keeps its carts in Redis.
var databaseAppIds = [
  'auth'
  'catalog'
  'order'
]

// Topics of packages/contracts; the Service Bus module adds <topic>.deadletter for each.
var topics = [
  'products'
  'inventory'
  'users'
  'orders'
  'analytics'
  'catalog-sync'
  'carts'
  'audit'
]

// Who consumes what. Dapr subscribers: the subscription is the app id (Dapr consumerID). The Functions read
// Service Bus directly. Dead-letter topics keep their messages in a "retained" subscription for inspection/replay.
var subscriptions = concat([
  {
    topic: 'catalog-sync'
    name: 'catalog'
  }
], singleRegionSubscriptions, [
  {
    topic: 'products'
    name: 'functions'
  }
  {
    topic: 'orders'
    name: 'functions'
  }
  {
    topic: 'carts'
    name: 'functions'
  }
  {
    topic: 'users'
    name: 'functions'
  }
  {
    topic: 'analytics'
    name: 'order'
  }
  {
    topic: 'audit'
    name: 'auth'
  }
], regionalSubscriptions, map(topics, topic => {
  topic: '${topic}.deadletter'
  name: 'retained'
  maxDeliveryCount: 1
}))

// Dapr consumers that read their topic on shop-pubsub in one region only. With several, the cart reads orders on the
// regional pub/sub (regionalConsumers) and no consumer reads the shared subscription 'cart': it is not created, since
// a subscription nobody reads fills up until its messages expire.
var singleRegionSubscriptions = empty(otherRegions) ? [
  {
    topic: 'orders'
    name: 'cart'
  }
] : []

// What each region keeps in its own Redis and must keep in line with changes made through any region: the catalog
// its caches (products, inventory), the cart its carts (orders: the cart that holds the checkout drops its hold).
// With more than one region, each of these gets a subscription per region (home included) named <appId>-<code>: the
// consumerID {appID}-<code> of the chart's Dapr component shop-pubsub-regional (charts/shop values-region-<location>.yaml
// region.code), the consumer group regionalSubscription(appId, region) of the code. The replicas of one region compete
// for their region's subscription; every region gets every event once. One region: none (the catalog hears its own
// changes on the broadcast pub/sub, the cart reads orders as 'cart').
var regionalConsumers = [
  {
    appId: 'catalog'
    topic: 'products'
  }
  {
    appId: 'catalog'
    topic: 'inventory'
  }
  {
    appId: 'cart'
    topic: 'orders'
  }
]

var regionalSubscriptions = empty(otherRegions) ? [] : flatten(map(regionalConsumers, consumer => map(regions, region => {
  topic: consumer.topic
  name: '${consumer.appId}-${region.code}'
})))

// The topics the catalog reads on the regional pub/sub.
var catalogRegionalTopics = map(filter(regionalConsumers, consumer => consumer.appId == 'catalog'), consumer => consumer.topic)

// Topics each app publishes to (its sidecar also publishes the dead letters of what it consumes).
var publishedTopics = {
  auth: [
    'users'
    'audit.deadletter'
  ]
  // With several regions its sidecar dead-letters the deliveries of its regional subscriptions too.
  catalog: concat([
    'products'
    'inventory'
    'analytics'
    'audit'
    'catalog-sync.deadletter'
  ], empty(otherRegions) ? [] : map(catalogRegionalTopics, topic => '${topic}.deadletter'))
  // orders.deadletter: the dead letters of its orders deliveries, on 'cart' (one region) or cart-<code> (several).
  cart: [
    'carts'
    'orders.deadletter'
  ]
  order: [
    'orders'
    'audit'
    'analytics.deadletter'
  ]
}

// Key Vault secrets each identity reads: the chart's secretEnv (charts/shop/values.yaml) and the Dapr tokens for the
// services, the APP_API_TOKEN reference for the Functions app. Each gets Key Vault Secrets User on these secrets only.
var daprTokenSecretNames = [
  'dapr-app-api-token'
  'dapr-api-token'
]

// The database URLs (DATABASE_URL, DATABASE_READ_URL) are not in this list: module databaseSecrets writes them and
// grants each to its app's identity alone (databaseSecretsOf).
var secretsReadBy = {
  auth: concat(daprTokenSecretNames, [
    'auth-signing-keys'
    'api-key-hash-secret'
    'applicationinsights-connection-string'
  ])
  catalog: concat(daprTokenSecretNames, [
    'applicationinsights-connection-string'
  ])
  cart: concat(daprTokenSecretNames, [
    'applicationinsights-connection-string'
  ])
  order: concat(daprTokenSecretNames, [
    'applicationinsights-connection-string'
  ])
  functions: [
    'dapr-app-api-token'
  ]
}

var consumedTopics = {
  auth: [
    'audit'
  ]
  // Topic scope (service-bus-roles.bicep): the receiver role on products and inventory covers the regions'
  // catalog-<code> subscriptions of those topics.
  catalog: concat([
    'catalog-sync'
  ], empty(otherRegions) ? [] : catalogRegionalTopics)
  // Topic scope: the receiver role on orders covers 'cart' (one region) and the regions' cart-<code> (several).
  cart: [
    'orders'
  ]
  order: [
    'analytics'
  ]
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    namePrefix: namePrefix
    location: location
    retentionInDays: environmentName == 'prod' ? 90 : 30
    tags: allTags
  }
}

module network 'modules/network.bicep' = {
  name: 'network'
  params: {
    namePrefix: namePrefix
    location: location
    tags: allTags
  }
}

// The gateway's identity exists before the gateway so that it already reads the certificate's secret when the
// gateway is created (the gateway fails to provision otherwise).
module appGatewayIdentity 'modules/user-assigned-identity.bicep' = {
  name: 'app-gateway-identity'
  params: {
    name: 'id-${namePrefix}-agw'
    location: location
    tags: allTags
  }
}

// First the profile (its frontDoorId goes into the gateway's WAF), then the gateway, then Front Door's endpoint and
// origins (module frontDoor: the origin is the gateway's host).
module frontDoorProfile 'modules/front-door-profile.bicep' = {
  name: 'front-door-profile'
  params: {
    namePrefix: namePrefix
    tags: allTags
  }
}

// The origin certificate, written before the gateway that reads it; readable by the gateway's identity only.
module edgeSecrets 'modules/key-vault-secrets.bicep' = {
  name: 'key-vault-edge-secrets'
  params: {
    vaultName: keyVault.outputs.name
    values: {
      '${appGatewayCertificateSecretName}': appGatewayCertificatePfx
    }
    contentTypes: {
      '${appGatewayCertificateSecretName}': 'application/x-pkcs12'
    }
    readers: [
      {
        principalId: appGatewayIdentity.outputs.principalId
        secretNames: [
          appGatewayCertificateSecretName
        ]
      }
    ]
  }
}

module appGateway 'modules/app-gateway.bicep' = {
  name: 'app-gateway'
  params: {
    namePrefix: namePrefix
    location: location
    subnetId: network.outputs.subnetIds.appGateway
    identityResourceId: appGatewayIdentity.outputs.resourceId
    certificateSecretUri: '${keyVault.outputs.vaultUri}secrets/${appGatewayCertificateSecretName}'
    listenerHostName: appGatewayOriginHostName
    frontDoorId: frontDoorProfile.outputs.frontDoorId
    autoscale: {
      minCapacity: environmentName == 'prod' ? 2 : 0
      maxCapacity: environmentName == 'prod' ? 10 : 2
    }
    tags: allTags
  }
  dependsOn: [
    edgeSecrets
  ]
}

module aks 'modules/aks.bicep' = {
  name: 'aks'
  params: {
    namePrefix: namePrefix
    location: location
    kubernetesVersion: kubernetesVersion
    subnetId: network.outputs.subnetIds.aks
    logAnalyticsWorkspaceId: monitoring.outputs.resourceId
    applicationGatewayId: appGateway.outputs.resourceId
    applicationGatewaySubnetId: network.outputs.subnetIds.appGateway
    applicationGatewayIdentityResourceId: appGatewayIdentity.outputs.resourceId
    apiServerAuthorizedIpRanges: aksApiServerAuthorizedIpRanges
    pools: aksPools
    adminGroupObjectIds: aksAdminGroupObjectIds
    skuTier: environmentName == 'prod' ? 'Standard' : 'Free'
    tags: allTags
  }
}

// The cloud provider (the cluster identity) creates the services' internal load balancers with their frontends in
// snet-internal-lb: Network Contributor on that subnet only.
module internalLoadBalancerNetworkContributor 'modules/subnet-role-assignment.bicep' = {
  name: 'internal-lb-network-contributor'
  params: {
    virtualNetworkName: network.outputs.name
    subnetName: network.outputs.internalLoadBalancer.subnetName
    principalId: aks.outputs.principalId
    roleDefinitionId: '4d97b98b-1d4f-4787-a291-c67834d212e7' // Network Contributor
  }
}

// Joining the nodes to those load balancers' backend pools updates the nodes' NICs in snet-aks: the cloud provider needs
// Network Contributor there too (a cluster on its own VNet gets no role the CLI would otherwise assign).
module nodeSubnetNetworkContributor 'modules/subnet-role-assignment.bicep' = {
  name: 'aks-subnet-network-contributor'
  params: {
    virtualNetworkName: network.outputs.name
    subnetName: 'snet-aks'
    principalId: aks.outputs.principalId
    roleDefinitionId: '4d97b98b-1d4f-4787-a291-c67834d212e7' // Network Contributor
  }
}

module identities 'modules/identities.bicep' = {
  name: 'identities'
  params: {
    namePrefix: namePrefix
    location: location
    oidcIssuerUrl: aks.outputs.oidcIssuerUrl
    workloads: [
      for appId in serviceAppIds: {
        appId: appId
        namespace: kubernetesNamespace
        serviceAccount: '${helmReleaseName}-${appId}'
      }
    ]
    tags: allTags
  }
}

// Computed here, not in the module: the Functions app refers to the vault, and the vault grants the Functions'
// identity access, so neither module can take the name from the other's outputs.
var keyVaultName = take('kv-${replace(namePrefix, '-', '')}-${uniqueString(resourceGroup().id)}', 24)

// The Functions app's identity, created before the app so that its Key Vault Secrets User on dapr-app-api-token exists
// when the app first resolves its APP_API_TOKEN reference (a reference that fails stays unresolved for up to a day).
// functions.bicep declares the same identity (same name, location and tags): ARM treats that second PUT as a no-op.
module functionsIdentity 'modules/user-assigned-identity.bicep' = {
  name: 'functions-identity'
  params: {
    name: 'id-${namePrefix}-functions'
    location: location
    tags: allTags
  }
}

// Secrets whose values the deployment knows or is given, and who reads each of them. The generated ones (tokens,
// signing keys) are written only when a value is passed, so a redeployment without them leaves them, and the pods
// reading them, untouched. The database URLs are module databaseSecrets (they wait for the regions' replicas).
module platformSecrets 'modules/key-vault-secrets.bicep' = {
  name: 'key-vault-platform-secrets'
  params: {
    vaultName: keyVault.outputs.name
    values: {
      'dapr-app-api-token': daprAppApiToken
      'dapr-api-token': daprApiToken
      'auth-signing-keys': authSigningKeys
      'api-key-hash-secret': apiKeyHashSecret
      'applicationinsights-connection-string': appInsightsAccess.outputs.connectionString
    }
    readers: concat(map(range(0, length(serviceAppIds)), i => {
      principalId: identities.outputs.identities[i].principalId
      secretNames: secretsReadBy[serviceAppIds[i]]
    }), [
      {
        principalId: functionsIdentity.outputs.principalId
        secretNames: secretsReadBy.functions
      }
    ])
  }
}

// Application Insights accepts Entra-authenticated telemetry only: the services' identities publish to it.
module appInsightsAccess 'modules/app-insights-access.bicep' = {
  name: 'app-insights-access'
  params: {
    appInsightsResourceId: monitoring.outputs.appInsightsResourceId
    publisherPrincipalIds: map(range(0, length(serviceAppIds)), i => identities.outputs.identities[i].principalId)
  }
}

module functions 'modules/functions.bicep' = {
  name: 'functions'
  params: {
    namePrefix: namePrefix
    location: location
    keyVaultName: keyVaultName
    // The private route: each service's internal load balancer frontend in snet-internal-lb (the chart's Services
    // ask for these addresses), reached over the VNet integration.
    internalServiceUrls: {
      auth: 'http://${network.outputs.internalLoadBalancer.ips.auth}'
      catalog: 'http://${network.outputs.internalLoadBalancer.ips.catalog}'
      cart: 'http://${network.outputs.internalLoadBalancer.ips.cart}'
      order: 'http://${network.outputs.internalLoadBalancer.ips.order}'
    }
    syncSources: syncSources
    communicationServiceName: communication.outputs.name
    emailSenderAddress: communication.outputs.senderAddress
    shopPublicUrl: empty(shopPublicUrl) ? 'https://${frontDoor.outputs.endpointHostName}' : shopPublicUrl
    subnetId: network.outputs.subnetIds.functions
    serviceBusFullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
    appInsightsResourceId: monitoring.outputs.appInsightsResourceId
    tags: allTags
  }
  dependsOn: [
    functionsIdentity
    platformSecrets
  ]
}

module communication 'modules/communication.bicep' = {
  name: 'communication'
  params: {
    namePrefix: namePrefix
    dataLocation: communicationDataLocation
    tags: allTags
  }
}

module serviceBus 'modules/service-bus.bicep' = {
  name: 'service-bus'
  params: {
    namePrefix: namePrefix
    location: location
    capacity: serviceBusCapacity
    geoReplicaLocation: serviceBusGeoReplication && !empty(otherRegions) ? otherRegions[0].location : ''
    topics: topics
    subscriptions: subscriptions
    privateEndpointSubnetId: network.outputs.subnetIds.privateEndpoints
    privateDnsZoneId: network.outputs.privateDnsZoneIds.serviceBus
    tags: allTags
  }
}

// Least privilege on Service Bus: each app sends to the topics it publishes and receives from the ones it consumes.
module serviceBusRoles 'modules/service-bus-roles.bicep' = {
  name: 'service-bus-roles'
  params: {
    namespaceName: serviceBus.outputs.name
    topicRoles: concat([
      for (appId, i) in serviceAppIds: {
        principalId: identities.outputs.identities[i].principalId
        role: 'sender'
        topics: publishedTopics[appId]
      }
    ], [
      for (appId, i) in serviceAppIds: {
        principalId: identities.outputs.identities[i].principalId
        role: 'receiver'
        topics: consumedTopics[appId]
      }
    ], [
      {
        principalId: functions.outputs.principalId
        role: 'receiver'
        topics: [
          'products'
          'orders'
          'carts'
          'users'
        ]
      }
      {
        // The supplier sync sends its batches to catalog's catalog-sync topic (functions/src/sync); without this role
        // Service Bus refuses every sync.
        principalId: functions.outputs.principalId
        role: 'sender'
        topics: [
          'catalog-sync'
        ]
      }
    ])
  }
}

module redis 'modules/redis.bicep' = {
  name: 'redis'
  params: {
    namePrefix: namePrefix
    location: location
    capacity: redisCapacity
    replicasPerPrimary: environmentName == 'prod' ? 2 : 1
    dataContributors: [
      for (appId, i) in serviceAppIds: {
        principalId: identities.outputs.identities[i].principalId
        alias: 'id-${namePrefix}-${appId}'
      }
    ]
    privateEndpointSubnetId: network.outputs.subnetIds.privateEndpoints
    privateDnsZoneId: network.outputs.privateDnsZoneIds.redis
    tags: allTags
  }
}

module keyVault 'modules/key-vault.bicep' = {
  name: 'key-vault'
  params: {
    name: keyVaultName
    location: location
    secretsOfficerPrincipalIds: keyVaultSecretsOfficerPrincipalIds
    privateEndpointSubnetId: network.outputs.subnetIds.privateEndpoints
    privateDnsZoneId: network.outputs.privateDnsZoneIds.keyVault
    tags: allTags
  }
}

module registry 'modules/container-registry.bicep' = {
  name: 'container-registry'
  params: {
    namePrefix: namePrefix
    location: location
    pullPrincipalIds: concat([
      aks.outputs.kubeletPrincipalId
    ], stampKubeletPrincipalIds)
    replicaLocations: map(otherRegions, region => region.location)
    publicNetworkAccess: environmentName == 'prod' ? 'Disabled' : 'Enabled'
    allowedIpRanges: environmentName == 'prod' ? [] : registryAllowedIpRanges
    privateEndpointSubnetId: network.outputs.subnetIds.privateEndpoints
    privateDnsZoneId: network.outputs.privateDnsZoneIds.registry
    tags: allTags
  }
}

module postgres 'modules/postgres.bicep' = {
  name: 'postgres'
  params: {
    namePrefix: namePrefix
    location: location
    delegatedSubnetId: network.outputs.subnetIds.postgres
    privateDnsZoneId: network.outputs.privateDnsZoneIds.postgres
    sizing: postgresSizing
    highAvailability: postgresHighAvailability
    readReplicaCount: postgresReadReplicaCount
    entraAdministrator: postgresEntraAdministrator
    // The deployment scripts' identity creates the services' database principals (only an administrator may).
    servicePrincipalAdministrators: [
      {
        objectId: deploymentScripts.outputs.principalId
        principalName: deploymentScripts.outputs.name
      }
    ]
    databases: [for appId in databaseAppIds: 'shop_${appId}']
    tags: allTags
  }
}

// The operators' way in: Key Vault, PostgreSQL and the web storage account answer only inside the VNet, so the
// data-plane steps run there as deployment scripts (their container groups join snet-deployment-scripts).
module deploymentScripts 'modules/deployment-scripts.bicep' = {
  name: 'deployment-scripts'
  params: {
    namePrefix: namePrefix
    location: location
    subnetId: network.outputs.subnetIds.deploymentScripts
    tags: allTags
  }
}

// Each service identity with a database becomes its Entra principal there (role name: the identity's name, the user
// of its DATABASE_URL), granted ALL on its own database, on every deployment (idempotent).
module databasePrincipals 'modules/database-principals.bicep' = {
  name: 'database-principals'
  params: {
    namePrefix: namePrefix
    location: location
    runnerIdentityResourceId: deploymentScripts.outputs.resourceId
    runnerPrincipalName: deploymentScripts.outputs.name
    runnerStorageAccountName: deploymentScripts.outputs.storageAccountName
    subnetId: deploymentScripts.outputs.subnetId
    postgresFqdn: postgres.outputs.fqdn
    principals: [
      for appId in databaseAppIds: {
        roleName: identities.outputs.identities[indexOf(serviceAppIds, appId)].name
        objectId: identities.outputs.identities[indexOf(serviceAppIds, appId)].principalId
        database: 'shop_${appId}'
      }
    ]
    tags: allTags
  }
}

module webStorage 'modules/web-storage.bicep' = {
  name: 'web-storage'
  params: {
    namePrefix: namePrefix
    location: location
    publisherPrincipalIds: concat([
      deploymentScripts.outputs.principalId
    ], empty(webPublisherPrincipalId) ? [] : [
      webPublisherPrincipalId
    ])
    privateEndpointSubnetId: network.outputs.subnetIds.privateEndpoints
    privateDnsZoneId: network.outputs.privateDnsZoneIds.blob
    tags: allTags
  }
}

// Product images: the catalog's workload identity writes them (container media only) over the blob private endpoint;
// Front Door serves them at /media/* over Private Link (docs/deployment.md, section 9).
module mediaStorage 'modules/media-storage.bicep' = {
  name: 'media-storage'
  params: {
    namePrefix: namePrefix
    location: location
    catalogPrincipalId: identities.outputs.identities[indexOf(serviceAppIds, 'catalog')].principalId
    privateEndpointSubnetId: network.outputs.subnetIds.privateEndpoints
    privateDnsZoneId: network.outputs.privateDnsZoneIds.blob
    tags: allTags
  }
}

module storefrontPublish 'modules/storefront-publish.bicep' = {
  name: 'storefront-publish'
  params: {
    namePrefix: namePrefix
    location: location
    runnerIdentityResourceId: deploymentScripts.outputs.resourceId
    runnerStorageAccountName: deploymentScripts.outputs.storageAccountName
    subnetId: deploymentScripts.outputs.subnetId
    webStorageAccountName: webStorage.outputs.name
    webContainerName: webStorage.outputs.containerName
    archiveUrl: storefrontArchiveUrl
    tags: allTags
  }
}

module frontDoor 'modules/front-door.bicep' = {
  name: 'front-door'
  params: {
    namePrefix: namePrefix
    profileName: frontDoorProfile.outputs.name
    apiOrigins: concat([
      {
        name: 'app-gateway'
        hostName: empty(appGatewayOriginHostName) ? appGateway.outputs.publicFqdn : appGatewayOriginHostName
      }
    ], stampOrigins)
    webStorageAccountId: webStorage.outputs.resourceId
    webStorageBlobHostName: webStorage.outputs.blobHostName
    webContainerName: webStorage.outputs.containerName
    webStorageLocation: location
    mediaStorageAccountId: mediaStorage.outputs.resourceId
    mediaStorageBlobHostName: mediaStorage.outputs.blobHostName
    mediaStorageLocation: mediaStorage.outputs.location
    clientCountries: clientCountries
    rateLimitPerMinute: frontDoorRateLimitPerMinute
    tags: allTags
  }
}

// The services' identities as every stamp federates them with its cluster (the home region's subjects).
var stampWorkloads = [
  for (appId, i) in serviceAppIds: {
    appId: appId
    identityName: identities.outputs.identities[i].name
    principalId: identities.outputs.identities[i].principalId
    namespace: kubernetesNamespace
    serviceAccount: '${helmReleaseName}-${appId}'
  }
]

// The other regions, one stamp each, one after the other: each adds a federated credential to every service
// identity, and Azure refuses concurrent credential writes on one identity.
@batchSize(1)
module stamps 'modules/region-stamp.bicep' = [
  for region in otherRegions: {
    name: 'region-stamp-${region.code}'
    params: {
      namePrefix: namePrefix
      region: region
      homeVirtualNetworkName: network.outputs.name
      homeVirtualNetworkId: network.outputs.resourceId
      keyVaultUri: keyVault.outputs.vaultUri
      keyVaultName: keyVault.outputs.name
      appGatewayCertificateSecretName: appGatewayCertificateSecretName
      frontDoorId: frontDoorProfile.outputs.frontDoorId
      kubernetesVersion: kubernetesVersion
      aksPools: aksPools
      aksAdminGroupObjectIds: aksAdminGroupObjectIds
      aksApiServerAuthorizedIpRanges: aksApiServerAuthorizedIpRanges
      aksSkuTier: environmentName == 'prod' ? 'Standard' : 'Free'
      logAnalyticsWorkspaceId: monitoring.outputs.resourceId
      appGatewayAutoscale: {
        minCapacity: environmentName == 'prod' ? 2 : 0
        maxCapacity: environmentName == 'prod' ? 10 : 2
      }
      workloads: stampWorkloads
      redisCapacity: redisCapacity
      redisReplicasPerPrimary: environmentName == 'prod' ? 2 : 1
      postgresPrimaryResourceId: postgres.outputs.resourceId
      postgresSizing: postgresSizing
      tags: allTags
    }
    // The gateway reads the origin certificate the home deployment writes; the replica streams from a primary whose
    // databases exist.
    dependsOn: [
      edgeSecrets
      databasePrincipals
    ]
  }
]

// Per region: the Front Door origin, the services' read URLs (its replica) and what else takes every region.
var stampOrigins = [
  for (region, i) in otherRegions: {
    name: 'app-gateway-${region.code}'
    hostName: stamps[i].outputs.originHostName
  }
]

var stampKubeletPrincipalIds = [for (region, i) in otherRegions: stamps[i].outputs.kubeletPrincipalId]

var stampReplicaNames = [for (region, i) in otherRegions: stamps[i].outputs.postgresReplicaName]

var stampReplicaFqdns = [for (region, i) in otherRegions: stamps[i].outputs.postgresReplicaFqdn]

// The host of every DATABASE_URL: once a cross-region replica exists, the virtual endpoint's writer name, which a
// switchover promotion of its member moves to the promoted server (no secret to rewrite, docs/operations.md,
// "Failover"); with one region the server's FQDN.
var databaseWriterHost = empty(otherRegions) ? postgres.outputs.fqdn : postgresVirtualEndpoint!.outputs.writerHostName

// The home region's read host: a same-region replica when there is one, else the primary.
var databaseHomeReadHost = first(concat(postgres.outputs.replicaFqdns, [postgres.outputs.fqdn]))

// Per app with a database: <app>-database-url (the writer), <app>-database-read-url (the home region's read host) and
// <app>-database-read-url-<code> per stamp (that region's replica), each a URL of database shop_<app> as the app's
// identity (Entra sign-in, no password).
var databaseSecrets = flatten(map(databaseAppIds, appId => concat([
  {
    appId: appId
    name: '${appId}-database-url'
    host: databaseWriterHost
  }
  {
    appId: appId
    name: '${appId}-database-read-url'
    host: databaseHomeReadHost
  }
], map(range(0, length(otherRegions)), i => {
  appId: appId
  name: '${appId}-database-read-url-${otherRegions[i].code}'
  host: stampReplicaFqdns[i]
}))))

// The database secrets each app reads (its chart secretEnv DATABASE_URL and DATABASE_READ_URL), by app id.
var databaseSecretsOf = toObject(databaseAppIds, appId => appId, appId => map(filter(databaseSecrets, secret => secret.appId == appId), secret => secret.name))

// The database URLs, written once the servers they name exist (the regions' replicas, the virtual endpoint), each
// read by its app's identity alone.
module databaseSecrets 'modules/key-vault-secrets.bicep' = {
  name: 'key-vault-database-secrets'
  params: {
    vaultName: keyVault.outputs.name
    values: toObject(databaseSecrets, secret => secret.name, secret => 'postgres://${identities.outputs.identities[indexOf(serviceAppIds, secret.appId)].name}@${secret.host}:5432/shop_${secret.appId}?sslmode=verify-full')
    readers: map(databaseAppIds, appId => {
      principalId: identities.outputs.identities[indexOf(serviceAppIds, appId)].principalId
      secretNames: databaseSecretsOf[appId]
    })
  }
}

// A virtual endpoint pair on the primary once a cross-region replica exists: its writer name follows a promotion
// (the failover runbook points DATABASE_URL at it), its reader name is the replica of the second region.
module postgresVirtualEndpoint 'modules/postgres-virtual-endpoint.bicep' = if (!empty(otherRegions)) {
  name: 'postgres-virtual-endpoint'
  params: {
    primaryServerName: postgres.outputs.name
    name: 'vep-${namePrefix}-${uniqueString(resourceGroup().id)}'
    memberNames: take(stampReplicaNames, 1)
  }
}

// Prometheus, Grafana, Container Insights, the rules file's alerts and the replica-lag alert (docs/deployment.md, "Watch it").
module observability 'modules/observability.bicep' = {
  name: 'observability'
  params: {
    namePrefix: namePrefix
    location: location
    aksName: aks.outputs.name
    logAnalyticsWorkspaceId: monitoring.outputs.resourceId
    operatorsGroupObjectId: operatorsGroupObjectId
    alertEmailAddresses: alertEmailAddresses
    alertWebhookUrl: alertWebhookUrl
    postgresReplicaNames: concat(postgres.outputs.replicaNames, stampReplicaNames)
    grafanaZoneRedundant: environmentName == 'prod'
    tags: allTags
  }
}

// Logs and platform metrics of the edge, the cluster and the data services, to the Log Analytics workspace.
module diagnostics 'modules/diagnostics.bicep' = {
  name: 'diagnostics'
  params: {
    logAnalyticsWorkspaceId: monitoring.outputs.resourceId
    names: {
      frontDoorProfile: frontDoorProfile.outputs.name
      appGateway: appGateway.outputs.name
      aks: aks.outputs.name
      postgres: postgres.outputs.name
      serviceBus: serviceBus.outputs.name
      redis: redis.outputs.name
      keyVault: keyVault.outputs.name
      functionsApp: functions.outputs.name
    }
  }
  // The Front Door profile's endpoint and routes come after the gateway; its logs start with them.
  dependsOn: [
    frontDoor
  ]
}

@description('The resource group name.')
output name string = resourceGroup().name

@description('The resource group id.')
output resourceId string = resourceGroup().id

@description('The location of the regional resources.')
output location string = location

@description('Entra tenant id (chart: global.azure.tenantId; Skaffold: AZURE_TENANT_ID).')
output tenantId string = subscription().tenantId

@description('ACR login server (Skaffold: SKAFFOLD_DEFAULT_REPO).')
output acrLoginServer string = registry.outputs.loginServer

@description('AKS cluster name (az aks get-credentials).')
output aksName string = aks.outputs.name

@description('Client ids of the services identities, by app id (chart: services.<app>.workloadIdentity.clientId).')
output serviceIdentities object = toObject(identities.outputs.identities, i => i.appId, i => {
  clientId: i.clientId
  principalId: i.principalId
})

@description('Service Bus namespace FQDN (dapr-components/azure/pubsub.yaml namespaceName).')
output serviceBusNamespace string = serviceBus.outputs.fullyQualifiedNamespace

@description('Key Vault name (chart: secrets.keyVault.name; Dapr secret store vaultName).')
output keyVaultName string = keyVault.outputs.name

@description('Redis host:port (dapr-components/azure/statestore.yaml redisHost).')
output redisHost string = redis.outputs.redisHost

@description('PostgreSQL server FQDN (host of each DATABASE_URL).')
output postgresFqdn string = postgres.outputs.fqdn

// No password in them: the services sign in with Entra tokens (DATABASE_AUTH=entra) as the role named after their
// identity, which the database-principals deployment script created.
@description('DATABASE_URL of each service with a database, by app id (Key Vault secrets <app>-database-url): the virtual endpoint\'s writer host once a cross-region replica exists, else the server FQDN.')
output databaseUrls object = toObject(databaseAppIds, appId => appId, appId => 'postgres://${identities.outputs.identities[indexOf(serviceAppIds, appId)].name}@${databaseWriterHost}:5432/shop_${appId}?sslmode=verify-full')

@description('The services\' internal load balancers: their subnet and the frontend address of each, by app id (chart: internalLoadBalancer.subnetName, services.<app>.internalLoadBalancer.ip; Skaffold: INTERNAL_LB_SUBNET, <APP>_INTERNAL_IP).')
output internalLoadBalancer object = network.outputs.internalLoadBalancer

@description('Address prefix of the Functions integration subnet (chart: internalLoadBalancer.callerCidrs).')
output functionsSubnetPrefix string = network.outputs.subnetPrefixes.functions

@description('Public URL of the platform: shopPublicUrl (a custom domain) or the Front Door endpoint; auth\'s issuer and the shop\'s origin (Skaffold: PUBLIC_BASE_URL), and the base of the e-mails\' links, so that all three agree.')
output publicBaseUrl string = empty(shopPublicUrl) ? 'https://${frontDoor.outputs.endpointHostName}' : shopPublicUrl

@description('Read replica FQDNs (host of DATABASE_READ_URL).')
output postgresReplicaFqdns string[] = postgres.outputs.replicaFqdns

@description('Application Insights resource id: its connection string goes to Key Vault secret applicationinsights-connection-string (docs/deployment.md).')
output appInsightsResourceId string = monitoring.outputs.appInsightsResourceId

@description('FQDN of the Application Gateway\'s public IP: the CNAME target of appGatewayOriginHostName (or the origin host itself when that is empty).')
output appGatewayPublicFqdn string = appGateway.outputs.publicFqdn

@description('Name of the origin certificate on the Application Gateway (chart: the Ingress annotation appgw.ingress.kubernetes.io/appgw-ssl-certificate).')
output appGatewaySslCertificateName string = appGateway.outputs.sslCertificateName

@description('Front Door endpoint host name (public URL of the platform).')
output frontDoorEndpoint string = frontDoor.outputs.endpointHostName

@description('Storage account the storefront build is uploaded to (container "web").')
output webStorageAccountName string = webStorage.outputs.name

@description('Storage account of the product images (container "media").')
output mediaStorageAccountName string = mediaStorage.outputs.name

@description('Blob endpoint of the product images\' account (chart: services.catalog.env.MEDIA_BLOB_ACCOUNT_URL; Skaffold: MEDIA_BLOB_ACCOUNT_URL).')
output mediaBlobAccountUrl string = mediaStorage.outputs.blobEndpoint

@description('Functions app name.')
output functionsAppName string = functions.outputs.name

@description('Grafana instance (scripts/import-dashboards.sh imports the dashboards into it).')
output grafanaName string = observability.outputs.grafanaName

@description('URL of Grafana.')
output grafanaEndpoint string = observability.outputs.grafanaEndpoint

@description('Resource id of the Azure Monitor workspace (managed Prometheus).')
output monitorWorkspaceId string = observability.outputs.resourceId

@description('PromQL query endpoint of the Azure Monitor workspace (managed Prometheus).')
output prometheusQueryEndpoint string = observability.outputs.prometheusQueryEndpoint

@description('The home region (location) and every regional stamp: per region what its chart release and Skaffold take (charts/shop/values-region-<location>.yaml; docs/regions.md). The home entry\'s values are the outputs above.')
output regions array = concat([
  {
    location: location
    home: true
    aksName: aks.outputs.name
    redisHost: redis.outputs.redisHost
    catalogReadUrlSecret: 'catalog-database-read-url'
    databaseReadUrlSecrets: toObject(databaseAppIds, appId => appId, appId => '${appId}-database-read-url')
    databaseReadHost: first(concat(postgres.outputs.replicaFqdns, [postgres.outputs.fqdn]))
    originHostName: empty(appGatewayOriginHostName) ? appGateway.outputs.publicFqdn : appGatewayOriginHostName
    appGatewayPublicFqdn: appGateway.outputs.publicFqdn
  }
], [
  for (region, i) in otherRegions: {
    location: region.location
    home: false
    aksName: stamps[i].outputs.aksName
    redisHost: stamps[i].outputs.redisHost
    catalogReadUrlSecret: 'catalog-database-read-url-${region.code}'
    databaseReadUrlSecrets: {
      auth: 'auth-database-read-url-${region.code}'
      catalog: 'catalog-database-read-url-${region.code}'
      order: 'order-database-read-url-${region.code}'
    }
    databaseReadHost: stamps[i].outputs.postgresReplicaFqdn
    originHostName: stamps[i].outputs.originHostName
    appGatewayPublicFqdn: stamps[i].outputs.appGatewayPublicFqdn
  }
])

@description('Writer host of the PostgreSQL virtual endpoint (follows a promotion; empty with one region): the failover runbook (docs/operations.md) points DATABASE_URL at it.')
output postgresWriterHost string = empty(otherRegions) ? '' : postgresVirtualEndpoint!.outputs.writerHostName
