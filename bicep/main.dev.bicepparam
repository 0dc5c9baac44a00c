// Development environment. No secret here, nor in the environment: PostgreSQL accepts Entra ID sign-ins only.
using 'main.bicep'

param environmentName = 'dev'

param aksPools = {
  system: {
    vmSize: 'Standard_D2s_v5'
    minCount: 1
    maxCount: 3
  }
  user: {
    vmSize: 'Standard_D4s_v5'
    minCount: 1
    maxCount: 3
  }
  spot: {
    vmSize: 'Standard_D4s_v5'
    minCount: 0
    maxCount: 2
  }
}

// The Entra group of the cluster's operators: no default, a deployment without it fails to build.
param aksAdminGroupObjectIds = [
  readEnvironmentVariable('SHOP_AKS_ADMIN_GROUP_ID')
]

param postgresSizing = {
  skuName: 'Standard_B2s'
  tier: 'Burstable'
  storageSizeGB: 32
}

param postgresHighAvailability = 'Disabled'

param postgresReadReplicaCount = 0

param postgresEntraAdministrator = {
  // The object id of the Entra group that administers PostgreSQL: no default, a deployment without it fails to build.
  objectId: readEnvironmentVariable('SHOP_POSTGRES_ADMIN_GROUP_ID')
  principalName: 'shop-dev-postgres-admins'
}

param redisCapacity = 1

param serviceBusCapacity = 1

// The edge and the generated secrets (docs/deployment.md, "First deployment"). The origin certificate and the three
// generated values are needed on the first deployment and when renewing or rotating; leave them unset afterwards and
// Key Vault keeps what it holds (pods keep their tokens). Never put their values in a file.
param appGatewayOriginHostName = readEnvironmentVariable('SHOP_ORIGIN_HOST_NAME', '')

param appGatewayCertificatePfx = readEnvironmentVariable('SHOP_APPGW_CERTIFICATE_PFX', '')

param daprAppApiToken = readEnvironmentVariable('SHOP_DAPR_APP_API_TOKEN', '')

param daprApiToken = readEnvironmentVariable('SHOP_DAPR_API_TOKEN', '')

param authSigningKeys = readEnvironmentVariable('SHOP_AUTH_SIGNING_KEYS', '')
param apiKeyHashSecret = readEnvironmentVariable('SHOP_API_KEY_HASH_SECRET', '')

// Optional in dev: comma-separated public CIDR ranges allowed to the AKS API server (unset: any address) and to push
// to the registry (unset: none; the registry's public endpoint denies by default).
param aksApiServerAuthorizedIpRanges = empty(readEnvironmentVariable('SHOP_AKS_API_AUTHORIZED_IP_RANGES', '')) ? [] : split(readEnvironmentVariable('SHOP_AKS_API_AUTHORIZED_IP_RANGES', ''), ',')

param registryAllowedIpRanges = empty(readEnvironmentVariable('SHOP_REGISTRY_ALLOWED_IP_RANGES', '')) ? [] : split(readEnvironmentVariable('SHOP_REGISTRY_ALLOWED_IP_RANGES', ''), ',')

param tags = {
  costCenter: 'shop-dev'
}

// Who watches: the operators' Entra group (Grafana Admin) and where the alerts go. No default: a deployment without
// them fails to build instead of raising alerts nobody receives.
param operatorsGroupObjectId = readEnvironmentVariable('SHOP_OPERATORS_GROUP_ID')

param alertEmailAddresses = split(readEnvironmentVariable('SHOP_ALERT_EMAILS'), ',')

param alertWebhookUrl = readEnvironmentVariable('SHOP_ALERT_WEBHOOK_URL', '')
