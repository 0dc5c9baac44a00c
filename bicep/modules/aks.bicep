// AKS: zones 1-3, system and user pools with the cluster autoscaler, a spot pool for background work (tainted),
// OIDC issuer + workload identity, Azure CNI + Azure network policies (AGIC needs pod IPs in the VNet), Container
// Insights, the Key Vault CSI driver, the AGIC add-on on the given Application Gateway, and the Dapr extension.

@description('Required. Name prefix of the resources (e.g. shop-prod).')
param namePrefix string

@description('Optional. Location of the cluster.')
param location string = resourceGroup().location

@description('Optional. Kubernetes version (empty: the region default).')
param kubernetesVersion string = ''

@description('Required. Resource id of the AKS subnet (nodes and pods).')
param subnetId string

@description('Required. Resource id of the Log Analytics workspace (Container Insights).')
param logAnalyticsWorkspaceId string

@description('Required. Resource id of the Application Gateway the AGIC add-on manages.')
param applicationGatewayId string

@description('Required. Resource id of the Application Gateway\'s subnet (AGIC joins the gateway to it: Network Contributor there only).')
param applicationGatewaySubnetId string

@description('Required. Resource id of the Application Gateway\'s user-assigned identity (AGIC rewrites the gateway, identity included, so it must be allowed to assign that identity).')
param applicationGatewayIdentityResourceId string

@description('Optional. Public CIDR ranges allowed to reach the API server (the operators\' and the deployment runner\'s egress addresses; the cluster\'s own outbound address is added by AKS). Empty: any address (dev only; main.prod.bicepparam requires ranges).')
param apiServerAuthorizedIpRanges string[] = []

@description('Required. Node pools: system, user and spot.')
param pools poolsType

@description('Required. Entra group object ids that administer the cluster (Azure RBAC for Kubernetes); at least one.')
@minLength(1)
param adminGroupObjectIds string[]

@description('Optional. Availability zones of the node pools.')
param zones string[] = [
  '1'
  '2'
  '3'
]

@description('Optional. Cluster SKU tier (Standard has the uptime SLA).')
@allowed([
  'Free'
  'Standard'
  'Premium'
])
param skuTier string = 'Standard'

@description('Optional. Dapr extension release train.')
@allowed([
  'Stable'
  'Preview'
])
param daprReleaseTrain string = 'Stable'

@description('Optional. Tags of every resource.')
param tags object = {}

@description('Sizing of one node pool.')
type poolType = {
  @description('Required. VM size.')
  vmSize: string
  @description('Required. Minimum nodes (cluster autoscaler).')
  @minValue(0)
  minCount: int
  @description('Required. Maximum nodes (cluster autoscaler).')
  @maxValue(1000)
  maxCount: int
}

@description('The three node pools of the cluster.')
type poolsType = {
  @description('Required. System pool (CriticalAddonsOnly).')
  system: poolType
  @description('Required. User pool (the services).')
  user: poolType
  @description('Required. Spot pool for interruptible background work (taint kubernetes.azure.com/scalesetpriority=spot).')
  spot: poolType
}

var roleIds = {
  // Azure Kubernetes Service RBAC Cluster Admin
  clusterAdmin: 'b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b'
  contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c'
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7'
  networkContributor: '4d97b98b-1d4f-4787-a291-c67834d212e7'
  managedIdentityOperator: 'f1a07417-d97a-45cb-824c-7a7467783830'
}

resource aks 'Microsoft.ContainerService/managedClusters@2024-09-01' = {
  name: 'aks-${namePrefix}'
  location: location
  tags: tags
  sku: {
    name: 'Base'
    tier: skuTier
  }
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    kubernetesVersion: empty(kubernetesVersion) ? null : kubernetesVersion
    dnsPrefix: 'aks-${namePrefix}'
    enableRBAC: true
    disableLocalAccounts: true
    // With Entra sign-in and Azure RBAC, the network is the second lock: in production only the listed ranges reach
    // the API server at all.
    apiServerAccessProfile: empty(apiServerAuthorizedIpRanges) ? null : {
      authorizedIPRanges: apiServerAuthorizedIpRanges
    }
    aadProfile: {
      managed: true
      enableAzureRBAC: true
      adminGroupObjectIDs: adminGroupObjectIds
    }
    // Managed Prometheus: the metrics addon scrapes the cluster (kube-state-metrics included) and the chart's
    // PodMonitor, and writes to the Azure Monitor workspace through the data collection rule of observability.bicep.
    azureMonitorProfile: {
      metrics: {
        enabled: true
        kubeStateMetrics: {
          metricLabelsAllowlist: 'pods=[app.kubernetes.io/name,app.kubernetes.io/instance]'
          metricAnnotationsAllowList: ''
        }
      }
    }
    oidcIssuerProfile: {
      enabled: true
    }
    securityProfile: {
      workloadIdentity: {
        enabled: true
      }
    }
    autoUpgradeProfile: {
      upgradeChannel: 'patch'
      nodeOSUpgradeChannel: 'NodeImage'
    }
    networkProfile: {
      networkPlugin: 'azure'
      networkPolicy: 'azure'
      loadBalancerSku: 'standard'
      outboundType: 'loadBalancer'
      serviceCidr: '172.16.0.0/16'
      dnsServiceIP: '172.16.0.10'
    }
    agentPoolProfiles: [
      {
        name: 'system'
        mode: 'System'
        vmSize: pools.system.vmSize
        osType: 'Linux'
        osSKU: 'AzureLinux'
        availabilityZones: zones
        enableAutoScaling: true
        minCount: pools.system.minCount
        maxCount: pools.system.maxCount
        count: pools.system.minCount
        vnetSubnetID: subnetId
        maxPods: 30
        nodeTaints: [
          'CriticalAddonsOnly=true:NoSchedule'
        ]
        upgradeSettings: {
          maxSurge: '33%'
        }
      }
      {
        name: 'user'
        mode: 'User'
        vmSize: pools.user.vmSize
        osType: 'Linux'
        osSKU: 'AzureLinux'
        availabilityZones: zones
        enableAutoScaling: true
        minCount: pools.user.minCount
        maxCount: pools.user.maxCount
        count: pools.user.minCount
        vnetSubnetID: subnetId
        maxPods: 50
        nodeLabels: {
          agentpool: 'user'
        }
        upgradeSettings: {
          maxSurge: '33%'
        }
      }
      {
        name: 'spot'
        mode: 'User'
        vmSize: pools.spot.vmSize
        osType: 'Linux'
        osSKU: 'AzureLinux'
        availabilityZones: zones
        scaleSetPriority: 'Spot'
        scaleSetEvictionPolicy: 'Delete'
        spotMaxPrice: -1
        enableAutoScaling: true
        minCount: pools.spot.minCount
        maxCount: pools.spot.maxCount
        count: pools.spot.minCount
        vnetSubnetID: subnetId
        maxPods: 50
        nodeLabels: {
          workload: 'background'
        }
        nodeTaints: [
          'kubernetes.azure.com/scalesetpriority=spot:NoSchedule'
        ]
      }
    ]
    addonProfiles: {
      // Container Insights: the agent signs in with its managed identity (useAADAuth) and collects only what the data
      // collection rule associated with the cluster asks for (observability.bicep); without that rule it sends nothing.
      omsagent: {
        enabled: true
        config: {
          logAnalyticsWorkspaceResourceID: logAnalyticsWorkspaceId
          useAADAuth: 'true'
        }
      }
      azureKeyvaultSecretsProvider: {
        enabled: true
        config: {
          enableSecretRotation: 'true'
          rotationPollInterval: '2m'
        }
      }
      ingressApplicationGateway: {
        enabled: true
        config: {
          applicationGatewayId: applicationGatewayId
        }
      }
    }
  }
}

resource dapr 'Microsoft.KubernetesConfiguration/extensions@2024-11-01' = {
  name: 'dapr'
  scope: aks
  properties: {
    extensionType: 'Microsoft.Dapr'
    autoUpgradeMinorVersion: true
    releaseTrain: daprReleaseTrain
    scope: {
      cluster: {
        releaseNamespace: 'dapr-system'
      }
    }
    configurationSettings: {
      'global.ha.enabled': 'true'
    }
  }
}

// Local accounts are off and Kubernetes authorisation is Azure RBAC: without a role assignment nobody, the operators
// included, can use kubectl or skaffold. The admin groups get Cluster Admin on this cluster (not the subscription).
resource adminGroupsClusterAdmin 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for groupId in adminGroupObjectIds: {
    name: guid(aks.id, groupId, roleIds.clusterAdmin)
    scope: aks
    properties: {
      principalId: groupId
      principalType: 'Group'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.clusterAdmin)
    }
  }
]

// The AGIC add-on's identity manages the gateway (Contributor on it), reads the resource group, joins the gateway to
// its subnet (Network Contributor on that subnet only) and assigns the gateway's identity when it rewrites the gateway
// (Managed Identity Operator on that identity only).
resource appGateway 'Microsoft.Network/applicationGateways@2024-05-01' existing = {
  name: last(split(applicationGatewayId, '/'))
}

resource agicGatewayContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appGateway.id, aks.id, roleIds.contributor)
  scope: appGateway
  properties: {
    principalId: aks.properties.addonProfiles.ingressApplicationGateway.identity.objectId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.contributor)
  }
}

resource agicReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, aks.id, roleIds.reader)
  properties: {
    principalId: aks.properties.addonProfiles.ingressApplicationGateway.identity.objectId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.reader)
  }
}

// A subnet id is /subscriptions/<s>/resourceGroups/<g>/providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>.
resource appGatewayVnet 'Microsoft.Network/virtualNetworks@2024-05-01' existing = {
  name: split(applicationGatewaySubnetId, '/')[8]
}

resource appGatewaySubnet 'Microsoft.Network/virtualNetworks/subnets@2024-05-01' existing = {
  parent: appGatewayVnet
  name: last(split(applicationGatewaySubnetId, '/'))
}

resource agicNetworkContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appGatewaySubnet.id, aks.id, roleIds.networkContributor)
  scope: appGatewaySubnet
  properties: {
    principalId: aks.properties.addonProfiles.ingressApplicationGateway.identity.objectId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.networkContributor)
  }
}

resource appGatewayIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: last(split(applicationGatewayIdentityResourceId, '/'))
}

resource agicIdentityOperator 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appGatewayIdentity.id, aks.id, roleIds.managedIdentityOperator)
  scope: appGatewayIdentity
  properties: {
    principalId: aks.properties.addonProfiles.ingressApplicationGateway.identity.objectId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.managedIdentityOperator)
  }
}

@description('The name of the cluster.')
output name string = aks.name

@description('The resource id of the cluster.')
output resourceId string = aks.id

@description('The location of the cluster.')
output location string = location

@description('The principal id of the cluster identity.')
output principalId string = aks.identity.principalId

@description('The OIDC issuer URL (issuer of the federated credentials).')
output oidcIssuerUrl string = aks.properties.oidcIssuerProfile.issuerURL

@description('The object id of the kubelet identity (AcrPull).')
output kubeletPrincipalId string = aks.properties.identityProfile.kubeletidentity.objectId
