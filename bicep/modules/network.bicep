// The virtual network: subnets for AKS nodes and pods (Azure CNI, required by AGIC), Application Gateway, private
// endpoints, the PostgreSQL delegated subnet, the Functions' VNet integration, the services' internal load balancers
// (the Functions' private route to the cluster) and the deployment scripts that run the data-plane steps from inside
// the VNet; an NSG on every subnet; the private DNS zones of every private endpoint and of PostgreSQL, linked to the VNet.

@description('Required. Name prefix of the resources (e.g. shop-prod).')
param namePrefix string

@description('Optional. Location of the resources.')
param location string = resourceGroup().location

@description('Optional. Address space of the virtual network.')
param addressPrefix string = '10.20.0.0/16'

@description('Optional. Subnet prefixes. AKS nodes and pods share aks (Azure CNI); appGateway must be dedicated.')
param subnetPrefixes subnetPrefixesType = {
  aks: '10.20.0.0/20'
  appGateway: '10.20.16.0/24'
  privateEndpoints: '10.20.17.0/24'
  postgres: '10.20.18.0/24'
  functions: '10.20.19.0/24'
  internalLoadBalancer: '10.20.20.0/27'
  deploymentScripts: '10.20.21.0/27'
}

@description('Optional. Tags of every resource.')
param tags object = {}

@description('The address prefixes of the subnets.')
type subnetPrefixesType = {
  @description('Required. AKS nodes and pods.')
  aks: string
  @description('Required. Application Gateway (dedicated).')
  appGateway: string
  @description('Required. Private endpoints of Service Bus, Redis, Key Vault and the registry.')
  privateEndpoints: string
  @description('Required. PostgreSQL flexible server (delegated).')
  postgres: string
  @description('Required. Functions VNet integration (delegated).')
  functions: string
  @description('Required. Frontends of the services\' internal load balancers (Kubernetes Services of type LoadBalancer, internal).')
  internalLoadBalancer: string
  @description('Required. Container groups of the deployment scripts (delegated to Container Instances).')
  deploymentScripts: string
}

// App ids that the Functions app calls, in the order of their frontend addresses in the internal load balancer subnet.
var internalServiceAppIds = [
  'auth'
  'catalog'
  'cart'
  'order'
]

var privateDnsZoneNames = {
  postgres: 'privatelink.postgres.database.azure.com'
  serviceBus: 'privatelink.servicebus.windows.net'
  redis: 'privatelink.redis.cache.windows.net'
  keyVault: 'privatelink.vaultcore.azure.net'
  registry: 'privatelink.azurecr.io'
  // The web storage account's blob endpoint, for the uploads of the storefront from inside the VNet.
  blob: 'privatelink.blob.${environment().suffixes.storage}'
}

resource nsgAks 'Microsoft.Network/networkSecurityGroups@2024-05-01' = {
  name: 'nsg-${namePrefix}-aks'
  location: location
  tags: tags
  properties: {
    securityRules: []
  }
}

resource nsgAppGateway 'Microsoft.Network/networkSecurityGroups@2024-05-01' = {
  name: 'nsg-${namePrefix}-appgw'
  location: location
  tags: tags
  properties: {
    securityRules: [
      {
        name: 'allow-gateway-manager'
        properties: {
          description: 'Required by Application Gateway v2 (health of the infrastructure).'
          priority: 100
          direction: 'Inbound'
          access: 'Allow'
          protocol: 'Tcp'
          sourceAddressPrefix: 'GatewayManager'
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRange: '65200-65535'
        }
      }
      {
        name: 'allow-front-door'
        properties: {
          // The service tag admits every Front Door profile; the gateway WAF's X-Azure-FDID rule narrows it to ours.
          description: 'Only Front Door reaches the listener, over HTTPS.'
          priority: 110
          direction: 'Inbound'
          access: 'Allow'
          protocol: 'Tcp'
          sourceAddressPrefix: 'AzureFrontDoor.Backend'
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRange: '443'
        }
      }
      {
        name: 'allow-load-balancer'
        properties: {
          priority: 120
          direction: 'Inbound'
          access: 'Allow'
          protocol: '*'
          sourceAddressPrefix: 'AzureLoadBalancer'
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRange: '*'
        }
      }
      {
        // Everything else, the VNet included (the default AllowVnetInBound would admit it): nothing but Front Door
        // talks to the gateway's listener.
        name: 'deny-all-inbound'
        properties: {
          priority: 4000
          direction: 'Inbound'
          access: 'Deny'
          protocol: '*'
          sourceAddressPrefix: '*'
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRange: '*'
        }
      }
    ]
  }
}

resource nsgPrivate 'Microsoft.Network/networkSecurityGroups@2024-05-01' = {
  name: 'nsg-${namePrefix}-private'
  location: location
  tags: tags
  properties: {
    securityRules: [
      {
        name: 'allow-vnet'
        properties: {
          priority: 100
          direction: 'Inbound'
          access: 'Allow'
          protocol: '*'
          sourceAddressPrefix: 'VirtualNetwork'
          sourcePortRange: '*'
          destinationAddressPrefix: 'VirtualNetwork'
          destinationPortRange: '*'
        }
      }
      {
        // The default AllowVnetOutBound rule already admits it; written down so that a later deny rule cannot cut
        // the Functions' only route to the services (jobs, notifications, the sync's JWKS) without failing a test.
        name: 'allow-functions-to-internal-load-balancers'
        properties: {
          priority: 100
          direction: 'Outbound'
          access: 'Allow'
          protocol: 'Tcp'
          sourceAddressPrefix: subnetPrefixes.functions
          sourcePortRange: '*'
          destinationAddressPrefix: subnetPrefixes.internalLoadBalancer
          destinationPortRange: '80'
        }
      }
      {
        name: 'deny-all-inbound'
        properties: {
          priority: 4000
          direction: 'Inbound'
          access: 'Deny'
          protocol: '*'
          sourceAddressPrefix: '*'
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRange: '*'
        }
      }
    ]
  }
}

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: 'vnet-${namePrefix}'
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        addressPrefix
      ]
    }
    subnets: [
      {
        name: 'snet-aks'
        properties: {
          addressPrefix: subnetPrefixes.aks
          networkSecurityGroup: {
            id: nsgAks.id
          }
        }
      }
      {
        name: 'snet-appgw'
        properties: {
          addressPrefix: subnetPrefixes.appGateway
          networkSecurityGroup: {
            id: nsgAppGateway.id
          }
        }
      }
      {
        name: 'snet-private-endpoints'
        properties: {
          addressPrefix: subnetPrefixes.privateEndpoints
          privateEndpointNetworkPolicies: 'Enabled'
          networkSecurityGroup: {
            id: nsgPrivate.id
          }
        }
      }
      {
        name: 'snet-postgres'
        properties: {
          addressPrefix: subnetPrefixes.postgres
          networkSecurityGroup: {
            id: nsgPrivate.id
          }
          delegations: [
            {
              name: 'postgres'
              properties: {
                serviceName: 'Microsoft.DBforPostgreSQL/flexibleServers'
              }
            }
          ]
        }
      }
      {
        name: 'snet-functions'
        properties: {
          addressPrefix: subnetPrefixes.functions
          networkSecurityGroup: {
            id: nsgPrivate.id
          }
          serviceEndpoints: [
            {
              service: 'Microsoft.Storage'
            }
          ]
          delegations: [
            {
              name: 'functions'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
        }
      }
      {
        // Only frontend addresses live here; the load balancer's backends are the AKS nodes, so the AKS subnet's
        // NSG and the chart's NetworkPolicy decide who gets through.
        name: 'snet-internal-lb'
        properties: {
          addressPrefix: subnetPrefixes.internalLoadBalancer
          networkSecurityGroup: {
            id: nsgPrivate.id
          }
        }
      }
      {
        // Deployment scripts run their container group here (database principals, storefront upload); their own
        // storage account admits this subnet through the service endpoint.
        name: 'snet-deployment-scripts'
        properties: {
          addressPrefix: subnetPrefixes.deploymentScripts
          networkSecurityGroup: {
            id: nsgPrivate.id
          }
          serviceEndpoints: [
            {
              service: 'Microsoft.Storage'
            }
          ]
          delegations: [
            {
              name: 'container-instances'
              properties: {
                serviceName: 'Microsoft.ContainerInstance/containerGroups'
              }
            }
          ]
        }
      }
    ]
  }
}

resource dnsZones 'Microsoft.Network/privateDnsZones@2020-06-01' = [
  for zone in items(privateDnsZoneNames): {
    name: zone.value
    location: 'global'
    tags: tags
  }
]

resource dnsLinks 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2020-06-01' = [
  for (zone, i) in items(privateDnsZoneNames): {
    parent: dnsZones[i]
    name: 'link-${vnet.name}'
    location: 'global'
    tags: tags
    properties: {
      registrationEnabled: false
      virtualNetwork: {
        id: vnet.id
      }
    }
  }
]

@description('The name of the virtual network.')
output name string = vnet.name

@description('The resource id of the virtual network.')
output resourceId string = vnet.id

@description('The location of the virtual network.')
output location string = location

@description('The resource ids of the subnets.')
output subnetIds object = {
  aks: vnet.properties.subnets[0].id
  appGateway: vnet.properties.subnets[1].id
  privateEndpoints: vnet.properties.subnets[2].id
  postgres: vnet.properties.subnets[3].id
  functions: vnet.properties.subnets[4].id
  internalLoadBalancer: vnet.properties.subnets[5].id
  deploymentScripts: vnet.properties.subnets[6].id
}

@description('The address prefixes of the subnets (the chart admits the Functions subnet to the internal routes).')
output subnetPrefixes object = subnetPrefixes

// Azure keeps the first four addresses of a subnet (network, gateway, two DNS), so the first frontend is host 3
// (x.x.x.4): auth, then catalog, cart and order, the addresses the chart's Services ask for.
@description('The internal load balancer subnet and the static frontend address of each service in it, by app id.')
output internalLoadBalancer object = {
  subnetName: vnet.properties.subnets[5].name
  ips: toObject(range(0, length(internalServiceAppIds)), i => internalServiceAppIds[i], i => cidrHost(subnetPrefixes.internalLoadBalancer, 3 + i))
}

@description('The resource ids of the private DNS zones, by service.')
output privateDnsZoneIds object = {
  postgres: dnsZones[0].id
  serviceBus: dnsZones[1].id
  redis: dnsZones[2].id
  keyVault: dnsZones[3].id
  registry: dnsZones[4].id
  blob: dnsZones[5].id
}
