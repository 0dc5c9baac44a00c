// Production environment: zone-redundant everything, read replica, larger pools. No secret here: the PostgreSQL
// administrator password is read from the deploying shell's environment (SHOP_POSTGRES_ADMIN_PASSWORD), and only
// while the services still connect with passwords (postgresAuthMode EntraAndPassword).
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

param aksAdminGroupObjectIds = [
  '00000000-0000-0000-0000-000000000000'
]

param postgresSizing = {
  skuName: 'Standard_D4ds_v5'
  tier: 'GeneralPurpose'
  storageSizeGB: 256
}

param postgresHighAvailability = 'ZoneRedundant'

param postgresReadReplicaCount = 1

param postgresAuthMode = 'EntraAndPassword'

param postgresAdministratorPassword = readEnvironmentVariable('SHOP_POSTGRES_ADMIN_PASSWORD', '')

param postgresEntraAdministrator = {
  objectId: '00000000-0000-0000-0000-000000000000'
  principalName: 'shop-prod-postgres-admins'
}

param redisCapacity = 2

param serviceBusCapacity = 2

param frontDoorRateLimitPerMinute = 600

param tags = {
  costCenter: 'shop-prod'
}
