// Production in 2 regions (docs/regions.md): main.prod.bicepparam's settings plus the regions. Deploy it to a resource
// group in the home region, the first entry (westeurope): az group create --location westeurope. Each other region is a
// regional stamp; its VNet's /16 must not overlap another's (the chart's values-region-<location>.yaml name its subnets).
using 'main.bicep'

param environmentName = 'prod'

param location = 'westeurope'

param regions = [
  {
    location: 'westeurope'
    code: 'weu'
    addressPrefix: '10.20.0.0/16'
    // The host name of this region's gateway certificate (a CNAME to the region's appGatewayPublicFqdn); empty: that FQDN.
    originHostName: readEnvironmentVariable('SHOP_ORIGIN_HOST_NAME', '')
  }
  {
    location: 'northeurope'
    code: 'neu'
    addressPrefix: '10.21.0.0/16'
    // The host name of this region's gateway certificate (a CNAME to the region's appGatewayPublicFqdn); empty: that FQDN.
    originHostName: readEnvironmentVariable('SHOP_ORIGIN_HOST_NAME_NEU', '')
  }
]

// One Service Bus namespace in the home region, geo-replicated to the second region (promoted by an operator).
param serviceBusGeoReplication = true

param aksPools = {
  system: {
    vmSize: 'Standard_D4ds_v5'
    minCount: 3
    maxCount: 6
  }
  user: {
    vmSize: 'Standard_D8ds_v5'
    minCount: 3
    maxCount: 15
  }
  spot: {
    vmSize: 'Standard_D8ds_v5'
    minCount: 0
    maxCount: 10
  }
}

// The Entra group of the cluster's operators: no default, a deployment without it fails to build.
param aksAdminGroupObjectIds = [
  readEnvironmentVariable('SHOP_AKS_ADMIN_GROUP_ID')
]

param postgresSizing = {
  skuName: 'Standard_D4ds_v5'
  tier: 'GeneralPurpose'
  storageSizeGB: 256
}

param postgresHighAvailability = 'ZoneRedundant'

param postgresReadReplicaCount = 1

param postgresEntraAdministrator = {
  // The object id of the Entra group that administers PostgreSQL: no default, a deployment without it fails to build.
  objectId: readEnvironmentVariable('SHOP_POSTGRES_ADMIN_GROUP_ID')
  principalName: 'shop-prod-postgres-admins'
}

param redisCapacity = 2

param serviceBusCapacity = 2

param frontDoorRateLimitPerMinute = 600

// The edge and the generated secrets (docs/deployment.md, "First deployment"). The origin certificate and the three
// generated values are needed on the first deployment and when renewing or rotating; leave them unset afterwards and
// Key Vault keeps what it holds (pods keep their tokens). Never put their values in a file.
param appGatewayOriginHostName = readEnvironmentVariable('SHOP_ORIGIN_HOST_NAME', '')

param appGatewayCertificatePfx = readEnvironmentVariable('SHOP_APPGW_CERTIFICATE_PFX', '')

param daprAppApiToken = readEnvironmentVariable('SHOP_DAPR_APP_API_TOKEN', '')

param daprApiToken = readEnvironmentVariable('SHOP_DAPR_API_TOKEN', '')

param authSigningKeys = readEnvironmentVariable('SHOP_AUTH_SIGNING_KEYS', '')
param apiKeyHashSecret = readEnvironmentVariable('SHOP_API_KEY_HASH_SECRET', '')

// Comma-separated public CIDR ranges allowed to the AKS API server (operators, the deployment runner): no default,
// so production cannot be deployed with an API server open to every address (an empty value is not a CIDR either).
param aksApiServerAuthorizedIpRanges = split(readEnvironmentVariable('SHOP_AKS_API_AUTHORIZED_IP_RANGES'), ',')

param tags = {
  costCenter: 'shop-prod'
}

// Who watches: the operators' Entra group (Grafana Admin) and where the alerts go. No default: a deployment without
// them fails to build instead of raising alerts nobody receives.
param operatorsGroupObjectId = readEnvironmentVariable('SHOP_OPERATORS_GROUP_ID')

param alertEmailAddresses = split(readEnvironmentVariable('SHOP_ALERT_EMAILS'), ',')

param alertWebhookUrl = readEnvironmentVariable('SHOP_ALERT_WEBHOOK_URL', '')
