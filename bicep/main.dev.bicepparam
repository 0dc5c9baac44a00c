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

param tags = {
  costCenter: 'shop-dev'
}
