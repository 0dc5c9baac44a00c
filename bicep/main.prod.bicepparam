// Production environment: zone-redundant everything, read replica, larger pools. No secret here, nor in the
// environment: PostgreSQL accepts Entra ID sign-ins only.
using 'main.bicep'

param environmentName = 'prod'

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

param tags = {
  costCenter: 'shop-prod'
}
