// Application Gateway WAF_v2, zone redundant, with its WAF policy: the AKS ingress through the Application Gateway
// Ingress Controller (AGIC add-on). AGIC owns listeners, pools and rules after the first deployment; the minimal
// configuration below only makes the gateway deployable (docs/deployment.md: redeploying resets it until AGIC reconciles).
// Front Door is its only client: HTTPS on 443 with the origin certificate read from Key Vault by the gateway's
// user-assigned identity (no port-80 listener), the subnet's NSG admits only AzureFrontDoor.Backend on 443, and the
// WAF blocks every request whose X-Azure-FDID is not this platform's Front Door profile (the service tag alone admits
// every Front Door tenant's traffic).

@description('Required. Name prefix of the resources (e.g. shop-prod).')
param namePrefix string

@description('Optional. Location of the resources.')
param location string = resourceGroup().location

@description('Required. Resource id of the dedicated Application Gateway subnet.')
param subnetId string

@description('Optional. Availability zones of the gateway and its public IP.')
param zones string[] = [
  '1'
  '2'
  '3'
]

@description('Optional. Autoscale bounds of the gateway.')
param autoscale autoscaleType = {
  minCapacity: 2
  maxCapacity: 10
}

@description('Optional. WAF mode.')
@allowed([
  'Detection'
  'Prevention'
])
param wafMode string = 'Prevention'

@description('Required. Resource id of the gateway\'s user-assigned identity (Key Vault Secrets User on the certificate\'s secret, granted before the gateway is created).')
param identityResourceId string

@description('Required. Versionless URI of the Key Vault secret holding the origin certificate (base64 PFX without password, or a Key Vault certificate\'s secret); the gateway picks up a new version within four hours.')
param certificateSecretUri string

@description('Optional. Name of the certificate on the gateway (the Ingress refers to it: appgw.ingress.kubernetes.io/appgw-ssl-certificate).')
param sslCertificateName string = 'origin-tls'

@description('Optional. Host name of the HTTPS listener (Front Door\'s origin host, the certificate\'s name); empty: any host.')
param listenerHostName string = ''

@description('Required. The frontDoorId of the platform\'s Front Door profile: requests with any other X-Azure-FDID are blocked.')
param frontDoorId string

@description('Optional. Tags of every resource.')
param tags object = {}

@description('Autoscale bounds of an Application Gateway v2.')
type autoscaleType = {
  @description('Required. Minimum instances.')
  @minValue(0)
  minCapacity: int
  @description('Required. Maximum instances.')
  @maxValue(125)
  maxCapacity: int
}

var gatewayName = 'agw-${namePrefix}'

resource publicIp 'Microsoft.Network/publicIPAddresses@2024-05-01' = {
  name: 'pip-${namePrefix}-agw'
  location: location
  tags: tags
  zones: zones
  sku: {
    name: 'Standard'
    tier: 'Regional'
  }
  properties: {
    publicIPAllocationMethod: 'Static'
    publicIPAddressVersion: 'IPv4'
    dnsSettings: {
      domainNameLabel: toLower('${namePrefix}-agw-${uniqueString(resourceGroup().id)}')
    }
  }
}

resource wafPolicy 'Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies@2024-05-01' = {
  name: 'waf-${namePrefix}-agw'
  location: location
  tags: tags
  properties: {
    policySettings: {
      state: 'Enabled'
      mode: wafMode
      requestBodyCheck: true
      maxRequestBodySizeInKb: 1024
      fileUploadLimitInMb: 4
    }
    customRules: [
      {
        // Front Door adds X-Azure-FDID to every request it forwards; a request without it, or with another profile's
        // id, did not come through this platform's Front Door (and its WAF) and is refused before any other rule.
        name: 'RequireOwnFrontDoor'
        priority: 1
        ruleType: 'MatchRule'
        state: 'Enabled'
        action: 'Block'
        matchConditions: [
          {
            matchVariables: [
              {
                variableName: 'RequestHeaders'
                selector: 'X-Azure-FDID'
              }
            ]
            operator: 'Equal'
            negationConditon: true
            matchValues: [
              frontDoorId
            ]
            transforms: []
          }
        ]
      }
    ]
    managedRules: {
      managedRuleSets: [
        {
          // Microsoft's Default Rule Set 2.1 (the OWASP CRS 3.3.2 base plus Microsoft's own rules), as Front Door uses.
          ruleSetType: 'Microsoft_DefaultRuleSet'
          ruleSetVersion: '2.1'
        }
        {
          ruleSetType: 'Microsoft_BotManagerRuleSet'
          ruleSetVersion: '1.0'
        }
      ]
    }
  }
}

resource gateway 'Microsoft.Network/applicationGateways@2024-05-01' = {
  name: gatewayName
  location: location
  tags: tags
  zones: zones
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityResourceId}': {}
    }
  }
  properties: {
    sku: {
      name: 'WAF_v2'
      tier: 'WAF_v2'
    }
    autoscaleConfiguration: {
      minCapacity: autoscale.minCapacity
      maxCapacity: autoscale.maxCapacity
    }
    firewallPolicy: {
      id: wafPolicy.id
    }
    enableHttp2: true
    gatewayIPConfigurations: [
      {
        name: 'gateway-ip'
        properties: {
          subnet: {
            id: subnetId
          }
        }
      }
    ]
    frontendIPConfigurations: [
      {
        name: 'public'
        properties: {
          publicIPAddress: {
            id: publicIp.id
          }
        }
      }
    ]
    frontendPorts: [
      {
        name: 'https'
        properties: {
          port: 443
        }
      }
    ]
    sslCertificates: [
      {
        name: sslCertificateName
        properties: {
          keyVaultSecretId: certificateSecretUri
        }
      }
    ]
    sslPolicy: {
      policyType: 'Predefined'
      policyName: 'AppGwSslPolicy20220101S'
    }
    backendAddressPools: [
      {
        name: 'bootstrap'
        properties: {}
      }
    ]
    backendHttpSettingsCollection: [
      {
        name: 'bootstrap'
        properties: {
          port: 80
          protocol: 'Http'
          cookieBasedAffinity: 'Disabled'
          requestTimeout: 30
        }
      }
    ]
    httpListeners: [
      {
        name: 'bootstrap'
        properties: {
          frontendIPConfiguration: {
            id: resourceId('Microsoft.Network/applicationGateways/frontendIPConfigurations', gatewayName, 'public')
          }
          frontendPort: {
            id: resourceId('Microsoft.Network/applicationGateways/frontendPorts', gatewayName, 'https')
          }
          protocol: 'Https'
          sslCertificate: {
            id: resourceId('Microsoft.Network/applicationGateways/sslCertificates', gatewayName, sslCertificateName)
          }
          hostName: empty(listenerHostName) ? null : listenerHostName
        }
      }
    ]
    requestRoutingRules: [
      {
        name: 'bootstrap'
        properties: {
          ruleType: 'Basic'
          priority: 1000
          httpListener: {
            id: resourceId('Microsoft.Network/applicationGateways/httpListeners', gatewayName, 'bootstrap')
          }
          backendAddressPool: {
            id: resourceId('Microsoft.Network/applicationGateways/backendAddressPools', gatewayName, 'bootstrap')
          }
          backendHttpSettings: {
            id: resourceId('Microsoft.Network/applicationGateways/backendHttpSettingsCollection', gatewayName, 'bootstrap')
          }
        }
      }
    ]
  }
}

@description('The name of the Application Gateway.')
output name string = gateway.name

@description('The resource id of the Application Gateway.')
output resourceId string = gateway.id

@description('The location of the Application Gateway.')
output location string = location

@description('The FQDN of the gateway public IP (Front Door origin, or the target of its custom origin host name\'s CNAME).')
output publicFqdn string = publicIp.properties.dnsSettings.fqdn

@description('The name of the gateway\'s origin certificate (Ingress annotation appgw.ingress.kubernetes.io/appgw-ssl-certificate).')
output sslCertificateName string = sslCertificateName
