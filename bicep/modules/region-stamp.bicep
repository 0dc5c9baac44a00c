// One regional stamp of the platform beside the home region (docs/regions.md): its own VNet (peered with the home
// VNet, which holds the private endpoints of the global resources and the PostgreSQL primary), Application Gateway
// (an origin of Front Door's API origin group), AKS, Redis (carts and caches are regional), the cross-region
// PostgreSQL read replica its services read from, the federated credentials of the services' identities for its
// cluster's OIDC issuer, and the Key Vault grant of its gateway's identity on the origin certificate.
// The home region's own resources are the modules of main.bicep (their names predate this stamp and stay, so a
// single-region deployment is not torn down). Every nested deployment's name carries the region's code: stamps of
// one deployment run in the same resource group, and two nested deployments of one name would collide.

@description('Required. Name prefix of the platform (e.g. shop-prod); the stamp names its resources <namePrefix>-<code>.')
param namePrefix string

@description('Required. The region of this stamp.')
param region regionType

@description('Required. Name of the home region\'s virtual network (peered with this stamp\'s).')
param homeVirtualNetworkName string

@description('Required. Resource id of the home region\'s virtual network.')
param homeVirtualNetworkId string

@description('Required. Vault URI of the platform\'s Key Vault (https://<name>.vault.azure.net/).')
param keyVaultUri string

@description('Required. Name of the platform\'s Key Vault.')
param keyVaultName string

@description('Required. Key Vault secret of the origin certificate (valid for this region\'s origin host name too).')
param appGatewayCertificateSecretName string

@description('Required. The Front Door profile\'s frontDoorId (the gateway\'s WAF admits only it).')
param frontDoorId string

@description('Optional. Kubernetes version of AKS (empty: the region default).')
param kubernetesVersion string = ''

@description('Required. AKS node pools (the home region\'s sizes).')
param aksPools poolsType

@description('Required. Entra group object ids that administer AKS.')
@minLength(1)
param aksAdminGroupObjectIds string[]

@description('Optional. Public CIDR ranges that may reach the AKS API server (empty: any address).')
param aksApiServerAuthorizedIpRanges string[] = []

@description('Optional. AKS pricing tier.')
@allowed([
  'Free'
  'Standard'
])
param aksSkuTier string = 'Standard'

@description('Required. Resource id of the Log Analytics workspace (Container Insights).')
param logAnalyticsWorkspaceId string

@description('Optional. Autoscale bounds of the Application Gateway.')
param appGatewayAutoscale autoscaleType = {
  minCapacity: 2
  maxCapacity: 10
}

@description('Required. The services\' workload identities (created once, in the home region), federated here with this stamp\'s cluster.')
param workloads workloadType[]

@description('Optional. Azure Cache for Redis Premium capacity (P1..P5).')
@allowed([
  1
  2
  3
  4
  5
])
param redisCapacity int = 1

@description('Optional. Redis replicas per primary (zones follow them).')
@minValue(1)
@maxValue(3)
param redisReplicasPerPrimary int = 2

@description('Required. Resource id of the PostgreSQL primary (home region) this region\'s read replica streams from.')
param postgresPrimaryResourceId string

@description('Required. Compute of the replica (a replica has the primary\'s SKU or a larger one; storage follows the primary).')
param postgresSizing postgresSizingType

@description('Optional. Tags of every resource.')
param tags object = {}

@description('A region of the platform.')
type regionType = {
  @description('Required. Azure region (e.g. northeurope); it needs availability zones.')
  location: string
  @description('Required. Short code of the region in resource names and Key Vault secret names (e.g. neu).')
  @minLength(2)
  @maxLength(4)
  code: string
  @description('Required. Address space of the region\'s VNet, a /16 that overlaps no other region\'s (the home VNet is 10.20.0.0/16).')
  addressPrefix: string
  @description('Required. Host name Front Door connects to on this region\'s gateway (its certificate\'s name; a CNAME to the region\'s appGatewayPublicFqdn), or empty for that FQDN itself.')
  originHostName: string
}

@description('Autoscale bounds of an Application Gateway.')
type autoscaleType = {
  @description('Required. Minimum instances.')
  minCapacity: int
  @description('Required. Maximum instances.')
  maxCapacity: int
}

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
type poolsType = {
  @description('Required. System pool.')
  system: poolType
  @description('Required. User pool (services).')
  user: poolType
  @description('Required. Spot pool (background work).')
  spot: poolType
}

@description('PostgreSQL compute (storage follows the primary).')
type postgresSizingType = {
  @description('Required. SKU name.')
  skuName: string
  @description('Required. SKU tier.')
  tier: ('Burstable' | 'GeneralPurpose' | 'MemoryOptimized')
  @description('Required. Storage in GB (the primary\'s; a replica takes it from its source).')
  storageSizeGB: int
}

@description('A service that runs in the cluster with a workload identity.')
type workloadType = {
  @description('Required. App id (packages/contracts).')
  appId: string
  @description('Required. Name of its user-assigned identity.')
  identityName: string
  @description('Required. Object id of that identity.')
  principalId: string
  @description('Required. Kubernetes namespace of its service account.')
  namespace: string
  @description('Required. Kubernetes service account name.')
  serviceAccount: string
}

var regionalPrefix = '${namePrefix}-${region.code}'
var networkContributorRoleId = '4d97b98b-1d4f-4787-a291-c67834d212e7' // Network Contributor

// The home VNet's layout, moved into this region's /16: the same subnets at the same offsets (network.bicep).
var subnetPrefixes = {
  aks: cidrSubnet(region.addressPrefix, 20, 0)
  appGateway: cidrSubnet(region.addressPrefix, 24, 16)
  privateEndpoints: cidrSubnet(region.addressPrefix, 24, 17)
  postgres: cidrSubnet(region.addressPrefix, 24, 18)
  functions: cidrSubnet(region.addressPrefix, 24, 19)
  internalLoadBalancer: cidrSubnet(region.addressPrefix, 27, 160)
  deploymentScripts: cidrSubnet(region.addressPrefix, 27, 168)
}

// Its own VNet, linked to the same (global) private DNS zones as the home VNet: network.bicep declares them again,
// which ARM treats as a no-op, and adds this VNet's links.
module network 'network.bicep' = {
  name: 'network-${region.code}'
  params: {
    namePrefix: regionalPrefix
    location: region.location
    addressPrefix: region.addressPrefix
    subnetPrefixes: subnetPrefixes
    tags: tags
  }
}

resource homeVnet 'Microsoft.Network/virtualNetworks@2024-05-01' existing = {
  name: homeVirtualNetworkName
}

resource regionalVnet 'Microsoft.Network/virtualNetworks@2024-05-01' existing = {
  name: 'vnet-${regionalPrefix}'
}

// Global VNet peering both ways: the region's pods reach the private endpoints of Key Vault, Service Bus, the registry
// and the storage accounts, and the PostgreSQL primary (writes), in the home VNet.
resource peeringToHome 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings@2024-05-01' = {
  parent: regionalVnet
  name: 'to-${homeVirtualNetworkName}'
  properties: {
    remoteVirtualNetwork: {
      id: homeVirtualNetworkId
    }
    allowVirtualNetworkAccess: true
    allowForwardedTraffic: false
    allowGatewayTransit: false
    useRemoteGateways: false
  }
  dependsOn: [
    network
  ]
}

resource peeringFromHome 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings@2024-05-01' = {
  parent: homeVnet
  name: 'to-vnet-${regionalPrefix}'
  properties: {
    remoteVirtualNetwork: {
      id: network.outputs.resourceId
    }
    allowVirtualNetworkAccess: true
    allowForwardedTraffic: false
    allowGatewayTransit: false
    useRemoteGateways: false
  }
}

module appGatewayIdentity 'user-assigned-identity.bicep' = {
  name: 'app-gateway-identity-${region.code}'
  params: {
    name: 'id-${regionalPrefix}-agw'
    location: region.location
    tags: tags
  }
}

// The home region's deployment wrote the certificate; this gateway's identity reads that one secret only.
module edgeSecretReader 'key-vault-secrets.bicep' = {
  name: 'key-vault-edge-secrets-${region.code}'
  params: {
    vaultName: keyVaultName
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

module appGateway 'app-gateway.bicep' = {
  name: 'app-gateway-${region.code}'
  params: {
    namePrefix: regionalPrefix
    location: region.location
    subnetId: network.outputs.subnetIds.appGateway
    identityResourceId: appGatewayIdentity.outputs.resourceId
    certificateSecretUri: '${keyVaultUri}secrets/${appGatewayCertificateSecretName}'
    listenerHostName: region.originHostName
    frontDoorId: frontDoorId
    autoscale: appGatewayAutoscale
    tags: tags
  }
  dependsOn: [
    edgeSecretReader
  ]
}

module aks 'aks.bicep' = {
  name: 'aks-${region.code}'
  params: {
    namePrefix: regionalPrefix
    location: region.location
    kubernetesVersion: kubernetesVersion
    subnetId: network.outputs.subnetIds.aks
    logAnalyticsWorkspaceId: logAnalyticsWorkspaceId
    applicationGatewayId: appGateway.outputs.resourceId
    applicationGatewaySubnetId: network.outputs.subnetIds.appGateway
    applicationGatewayIdentityResourceId: appGatewayIdentity.outputs.resourceId
    apiServerAuthorizedIpRanges: aksApiServerAuthorizedIpRanges
    pools: aksPools
    adminGroupObjectIds: aksAdminGroupObjectIds
    skuTier: aksSkuTier
    tags: tags
  }
}

// As in the home region: the cloud provider creates internal load balancers in snet-internal-lb and joins the nodes'
// NICs in snet-aks to them.
module internalLoadBalancerNetworkContributor 'subnet-role-assignment.bicep' = {
  name: 'internal-lb-network-contributor-${region.code}'
  params: {
    virtualNetworkName: network.outputs.name
    subnetName: network.outputs.internalLoadBalancer.subnetName
    principalId: aks.outputs.principalId
    roleDefinitionId: networkContributorRoleId
  }
}

module nodeSubnetNetworkContributor 'subnet-role-assignment.bicep' = {
  name: 'aks-subnet-network-contributor-${region.code}'
  params: {
    virtualNetworkName: network.outputs.name
    subnetName: 'snet-aks'
    principalId: aks.outputs.principalId
    roleDefinitionId: networkContributorRoleId
  }
}

resource serviceIdentities 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = [
  for workload in workloads: {
    name: workload.identityName
  }
]

// The same service accounts in this region's cluster sign in as the same identities: one more federated credential
// each, for this cluster's issuer. Azure refuses concurrent credential writes on one identity, so main.bicep deploys
// the stamps one after the other (@batchSize(1)).
resource federatedCredentials 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2023-01-31' = [
  for (workload, i) in workloads: {
    parent: serviceIdentities[i]
    name: 'aks-${region.code}-${workload.namespace}-${workload.serviceAccount}'
    properties: {
      issuer: aks.outputs.oidcIssuerUrl
      subject: 'system:serviceaccount:${workload.namespace}:${workload.serviceAccount}'
      audiences: [
        'api://AzureADTokenExchange'
      ]
    }
  }
]

// Carts, caches, rate limits and the broadcast streams stay in the region: a Redis of its own.
module redis 'redis.bicep' = {
  name: 'redis-${region.code}'
  params: {
    namePrefix: regionalPrefix
    location: region.location
    capacity: redisCapacity
    replicasPerPrimary: redisReplicasPerPrimary
    dataContributors: [
      for workload in workloads: {
        principalId: workload.principalId
        alias: workload.identityName
      }
    ]
    privateEndpointSubnetId: network.outputs.subnetIds.privateEndpoints
    privateDnsZoneId: network.outputs.privateDnsZoneIds.redis
    tags: tags
  }
}

// The cross-region read replica of the primary, in this region's delegated subnet and the platform's PostgreSQL
// private DNS zone. Entra authentication, databases and roles come from the primary by replication.
resource postgresReplica 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 'psql-${regionalPrefix}-${uniqueString(resourceGroup().id)}'
  location: region.location
  tags: tags
  sku: {
    name: postgresSizing.skuName
    tier: postgresSizing.tier
  }
  properties: {
    createMode: 'Replica'
    sourceServerResourceId: postgresPrimaryResourceId
    network: {
      delegatedSubnetResourceId: network.outputs.subnetIds.postgres
      privateDnsZoneArmResourceId: network.outputs.privateDnsZoneIds.postgres
      publicNetworkAccess: 'Disabled'
    }
  }
  dependsOn: [
    peeringToHome
    peeringFromHome
  ]
}

@description('The name of the stamp (its name prefix).')
output name string = regionalPrefix

@description('The resource id of the stamp\'s virtual network.')
output resourceId string = network.outputs.resourceId

@description('The region of the stamp.')
output location string = region.location

@description('The region\'s short code.')
output code string = region.code

@description('AKS cluster of the region.')
output aksName string = aks.outputs.name

@description('Object id of the cluster\'s kubelet identity (AcrPull on the registry).')
output kubeletPrincipalId string = aks.outputs.kubeletPrincipalId

@description('Name of the region\'s Application Gateway.')
output appGatewayName string = appGateway.outputs.name

@description('FQDN of the region\'s gateway public IP (Front Door\'s origin unless region.originHostName is set).')
output appGatewayPublicFqdn string = appGateway.outputs.publicFqdn

@description('Host Front Door connects to in this region.')
output originHostName string = empty(region.originHostName) ? appGateway.outputs.publicFqdn : region.originHostName

@description('Redis host:port of the region (chart: daprComponents.redis.host; Skaffold: REDIS_HOST).')
output redisHost string = redis.outputs.redisHost

@description('Name of the region\'s Redis.')
output redisName string = redis.outputs.name

@description('Name of the region\'s PostgreSQL read replica.')
output postgresReplicaName string = postgresReplica.name

@description('FQDN of the region\'s PostgreSQL read replica (host of its DATABASE_READ_URL).')
output postgresReplicaFqdn string = postgresReplica.properties.fullyQualifiedDomainName

@description('Address prefixes of the region\'s subnets (the region\'s chart values: network policy CIDRs, trusted proxies).')
output subnetPrefixes object = network.outputs.subnetPrefixes
