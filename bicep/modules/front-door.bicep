// Front Door Premium in front of the platform: one endpoint with two origin groups. /api/* goes to the Application
// Gateway over HTTPS only (port 443, the origin certificate's name checked against the origin host); everything else is the storefront (apps/storefront/dist) from a private blob container over
// Private Link, with extension-less paths (client-side routes such as /products/123) rewritten to /index.html and
// the web app's security headers added. A rule set caches static assets (the blobs' Cache-Control: hashed assets a
// year, index.html revalidated) and public catalog reads (/api/catalog/products*, honouring s-maxage), and a WAF
// policy (Microsoft default rule set, bot manager, per-client rate limit) is attached by a security policy.
// /media/* is a third origin group: the product images' container (media-storage.bicep), reached over Private Link only,
// cached as the blobs say (a year, immutable) and never recompressed. On /api/* a rule set replaces whatever
// X-Client-Country a client sent with the country Front Door geolocates the client in (the catalog's market hint).

@description('Required. Name prefix of the resources (e.g. shop-prod).')
param namePrefix string

@description('Required. Name of the Front Door profile (front-door-profile.bicep, deployed before the gateway whose WAF needs its id).')
param profileName string

@description('Required. The Application Gateways of the regions, one origin each in the API origin group (the home region first): the origin\'s name and the host name its certificate is issued for (the gateway\'s public FQDN, or a custom name whose CNAME points there).')
@minLength(1)
param apiOrigins apiOriginType[]

@description('Required. Resource id of the storage account holding the web app (Private Link target).')
param webStorageAccountId string

@description('Required. Blob endpoint host of that account.')
param webStorageBlobHostName string

@description('Optional. Container of the built web app in that account.')
param webContainerName string = 'web'

@description('Optional. Region of the storage account (where Front Door creates its private endpoint).')
param webStorageLocation string = resourceGroup().location

@description('Required. Resource id of the storage account holding the product images (Private Link target).')
param mediaStorageAccountId string

@description('Required. Blob endpoint host of that account.')
param mediaStorageBlobHostName string

@description('Optional. Region of the media storage account (where Front Door creates its private endpoint).')
param mediaStorageLocation string = resourceGroup().location

@description('Required. ISO 3166-1 alpha-2 codes (upper case) that Front Door writes into X-Client-Country for clients it geolocates there: the countries of the catalog\'s MARKETS. One rule each after the rule that deletes the client\'s own header; a rule set holds at most 100 rules, and a route 100 in all (the caching rule set has 2).')
@maxLength(97)
param clientCountries string[]

@description('Optional. Path Front Door probes on every origin: the catalog\'s readiness, routed by the Ingress (charts/shop ingress.readinessProbe). An origin whose probes fail leaves the rotation; the others take its shoppers.')
param healthProbePath string = '/readyz'

@description('Optional. Origins whose latency is within this many milliseconds of the fastest origin\'s share the traffic (latency-based routing: a shopper goes to the nearest healthy region).')
@minValue(0)
param additionalLatencyInMilliseconds int = 50

@description('Optional. Session affinity on the API origin group: Front Door keeps a client on the origin it first reached, by cookie, while that origin is healthy (a region\'s carts are in its own Redis).')
@allowed([
  'Enabled'
  'Disabled'
])
param apiSessionAffinityState string = 'Enabled'

@description('Optional. Requests per minute one client address may send to /api before it is blocked.')
@minValue(10)
param rateLimitPerMinute int = 600

@description('Optional. WAF mode.')
@allowed([
  'Detection'
  'Prevention'
])
param wafMode string = 'Prevention'

@description('Optional. Tags of every resource.')
param tags object = {}

@description('A region\'s Application Gateway as a Front Door origin.')
type apiOriginType = {
  @description('Required. Name of the origin (app-gateway for the home region, app-gateway-<code> for the others).')
  name: string
  @description('Required. Host name Front Door connects to, sends as Host and SNI, and checks the certificate against.')
  hostName: string
}

resource profile 'Microsoft.Cdn/profiles@2024-09-01' existing = {
  name: profileName
}

resource endpoint 'Microsoft.Cdn/profiles/afdEndpoints@2024-09-01' = {
  parent: profile
  name: 'fde-${namePrefix}'
  location: 'global'
  tags: tags
  properties: {
    enabledState: 'Enabled'
  }
}

resource originGroup 'Microsoft.Cdn/profiles/originGroups@2024-09-01' = {
  parent: profile
  name: 'app-gateway'
  properties: {
    // Latency-based: every healthy origin within additionalLatencyInMilliseconds of the fastest one (as the edge
    // measures them) shares the traffic; an origin failing 2 of the last 4 probes leaves the rotation.
    loadBalancingSettings: {
      sampleSize: 4
      successfulSamplesRequired: 3
      additionalLatencyInMilliseconds: additionalLatencyInMilliseconds
    }
    healthProbeSettings: {
      probePath: healthProbePath
      probeRequestType: 'HEAD'
      probeProtocol: 'Https'
      probeIntervalInSeconds: 30
    }
    sessionAffinityState: apiSessionAffinityState
  }
}

// One origin per region, all of priority 1 and equal weight: latency decides, health removes.
@batchSize(1)
resource origin 'Microsoft.Cdn/profiles/originGroups/origins@2024-09-01' = [
  for apiOrigin in apiOrigins: {
    parent: originGroup
    name: apiOrigin.name
    properties: {
      // Host header and SNI are the certificate's name: the gateway presents its Key Vault certificate, Front Door checks
      // its chain (a public CA) and name. The gateway listens on 443 only.
      hostName: apiOrigin.hostName
      originHostHeader: apiOrigin.hostName
      httpsPort: 443
      priority: 1
      weight: 1000
      enabledState: 'Enabled'
      enforceCertificateNameCheck: true
    }
  }
]

resource webOriginGroup 'Microsoft.Cdn/profiles/originGroups@2024-09-01' = {
  parent: profile
  name: 'web'
  properties: {
    loadBalancingSettings: {
      sampleSize: 4
      successfulSamplesRequired: 3
      additionalLatencyInMilliseconds: 50
    }
    // One origin: health probes would only add requests.
    sessionAffinityState: 'Disabled'
  }
}

resource webOrigin 'Microsoft.Cdn/profiles/originGroups/origins@2024-09-01' = {
  parent: webOriginGroup
  name: 'web-storage'
  properties: {
    hostName: webStorageBlobHostName
    originHostHeader: webStorageBlobHostName
    httpPort: 80
    httpsPort: 443
    priority: 1
    weight: 1000
    enabledState: 'Enabled'
    enforceCertificateNameCheck: true
    // The account allows no public network access: Front Door asks for a private endpoint, approved once after the
    // first deployment (docs/deployment.md).
    sharedPrivateLinkResource: {
      privateLink: {
        id: webStorageAccountId
      }
      groupId: 'blob'
      privateLinkLocation: webStorageLocation
      requestMessage: 'Front Door reads the storefront files'
    }
  }
}

resource mediaOriginGroup 'Microsoft.Cdn/profiles/originGroups@2024-09-01' = {
  parent: profile
  name: 'media'
  properties: {
    loadBalancingSettings: {
      sampleSize: 4
      successfulSamplesRequired: 3
      additionalLatencyInMilliseconds: 50
    }
    // One origin: health probes would only add requests.
    sessionAffinityState: 'Disabled'
  }
}

resource mediaOrigin 'Microsoft.Cdn/profiles/originGroups/origins@2024-09-01' = {
  parent: mediaOriginGroup
  name: 'media-storage'
  properties: {
    hostName: mediaStorageBlobHostName
    originHostHeader: mediaStorageBlobHostName
    httpPort: 80
    httpsPort: 443
    priority: 1
    weight: 1000
    enabledState: 'Enabled'
    enforceCertificateNameCheck: true
    // Like the web origin: the account has no public network access; Front Door asks for a private endpoint, approved
    // once after the first deployment (docs/deployment.md, section 9).
    sharedPrivateLinkResource: {
      privateLink: {
        id: mediaStorageAccountId
      }
      groupId: 'blob'
      privateLinkLocation: mediaStorageLocation
      requestMessage: 'Front Door reads the product images'
    }
  }
}

resource webAppRules 'Microsoft.Cdn/profiles/ruleSets@2024-09-01' = {
  parent: profile
  name: 'webapp'
}

resource spaFallback 'Microsoft.Cdn/profiles/ruleSets/rules@2024-09-01' = {
  parent: webAppRules
  name: 'clientSideRoutes'
  properties: {
    order: 1
    matchProcessingBehavior: 'Continue'
    // A path without a file extension is a page of the single-page app: serve index.html for it.
    conditions: [
      {
        name: 'UrlFileExtension'
        parameters: {
          typeName: 'DeliveryRuleUrlFileExtensionMatchConditionParameters'
          operator: 'Any'
          negateCondition: true
          matchValues: []
          transforms: []
        }
      }
    ]
    actions: [
      {
        name: 'UrlRewrite'
        parameters: {
          typeName: 'DeliveryRuleUrlRewriteActionParameters'
          sourcePattern: '/'
          destination: '/index.html'
          preserveUnmatchedPath: false
        }
      }
    ]
  }
}

resource webSecurityHeaders 'Microsoft.Cdn/profiles/ruleSets/rules@2024-09-01' = {
  parent: webAppRules
  name: 'securityHeaders'
  properties: {
    order: 2
    matchProcessingBehavior: 'Continue'
    conditions: []
    // The same policy the local gateway sends (apps/gateway/src/web-app.ts): scripts from this origin only.
    actions: [
      {
        name: 'ModifyResponseHeader'
        parameters: {
          typeName: 'DeliveryRuleHeaderActionParameters'
          headerAction: 'Overwrite'
          headerName: 'Content-Security-Policy'
          value: 'default-src \'self\'; script-src \'self\'; style-src \'self\' \'unsafe-inline\'; img-src \'self\' https: data:; connect-src \'self\'; font-src \'self\'; object-src \'none\'; base-uri \'self\'; form-action \'self\'; frame-ancestors \'none\''
        }
      }
      {
        name: 'ModifyResponseHeader'
        parameters: {
          typeName: 'DeliveryRuleHeaderActionParameters'
          headerAction: 'Overwrite'
          headerName: 'X-Content-Type-Options'
          value: 'nosniff'
        }
      }
      {
        name: 'ModifyResponseHeader'
        parameters: {
          typeName: 'DeliveryRuleHeaderActionParameters'
          headerAction: 'Overwrite'
          headerName: 'Strict-Transport-Security'
          value: 'max-age=31536000; includeSubDomains'
        }
      }
    ]
  }
}

resource cachingRules 'Microsoft.Cdn/profiles/ruleSets@2024-09-01' = {
  parent: profile
  name: 'caching'
}

resource cacheCatalogReads 'Microsoft.Cdn/profiles/ruleSets/rules@2024-09-01' = {
  parent: cachingRules
  name: 'catalogProductReads'
  properties: {
    order: 1
    matchProcessingBehavior: 'Continue'
    conditions: [
      {
        name: 'RequestMethod'
        parameters: {
          typeName: 'DeliveryRuleRequestMethodConditionParameters'
          operator: 'Equal'
          matchValues: [
            'GET'
            'HEAD'
          ]
        }
      }
      {
        name: 'UrlPath'
        parameters: {
          typeName: 'DeliveryRuleUrlPathMatchConditionParameters'
          operator: 'BeginsWith'
          matchValues: [
            'api/catalog/products'
          ]
          transforms: [
            'Lowercase'
          ]
        }
      }
    ]
    actions: [
      {
        name: 'RouteConfigurationOverride'
        parameters: {
          typeName: 'DeliveryRuleRouteConfigurationOverrideActionParameters'
          cacheConfiguration: {
            queryStringCachingBehavior: 'UseQueryString'
            cacheBehavior: 'HonorOrigin'
            isCompressionEnabled: 'Enabled'
          }
        }
      }
    ]
  }
}

resource cacheStaticAssets 'Microsoft.Cdn/profiles/ruleSets/rules@2024-09-01' = {
  parent: cachingRules
  name: 'staticAssets'
  properties: {
    order: 2
    matchProcessingBehavior: 'Stop'
    conditions: [
      {
        name: 'UrlFileExtension'
        parameters: {
          typeName: 'DeliveryRuleUrlFileExtensionMatchConditionParameters'
          operator: 'Equal'
          matchValues: [
            'css'
            'js'
            'png'
            'jpg'
            'jpeg'
            'webp'
            'svg'
            'woff2'
            'ico'
          ]
          transforms: [
            'Lowercase'
          ]
        }
      }
    ]
    actions: [
      {
        name: 'RouteConfigurationOverride'
        parameters: {
          typeName: 'DeliveryRuleRouteConfigurationOverrideActionParameters'
          cacheConfiguration: {
            queryStringCachingBehavior: 'IgnoreQueryString'
            cacheBehavior: 'OverrideIfOriginMissing'
            cacheDuration: '7.00:00:00'
            isCompressionEnabled: 'Enabled'
          }
        }
      }
    ]
  }
}

resource mediaRules 'Microsoft.Cdn/profiles/ruleSets@2024-09-01' = {
  parent: profile
  name: 'media'
}

resource mediaResponseHeaders 'Microsoft.Cdn/profiles/ruleSets/rules@2024-09-01' = {
  parent: mediaRules
  name: 'noSniffNoScript'
  properties: {
    order: 1
    matchProcessingBehavior: 'Continue'
    conditions: []
    // The bytes are images the catalog re-encoded, served with the type it set; a browser must neither guess another
    // type nor run anything should a blob ever be opened as a document.
    actions: [
      {
        name: 'ModifyResponseHeader'
        parameters: {
          typeName: 'DeliveryRuleHeaderActionParameters'
          headerAction: 'Overwrite'
          headerName: 'X-Content-Type-Options'
          value: 'nosniff'
        }
      }
      {
        name: 'ModifyResponseHeader'
        parameters: {
          typeName: 'DeliveryRuleHeaderActionParameters'
          headerAction: 'Overwrite'
          headerName: 'Content-Security-Policy'
          value: 'default-src \'none\'; sandbox'
        }
      }
    ]
  }
}

// X-Client-Country (MarketRequest.clientCountryHeader of packages/contracts): the catalog picks a shopper's market by
// it when the request names none. Only Front Door may say where a client is, so the first rule removes whatever the
// client sent, and then one rule per country sets it for clients Front Door geolocates there (a rule sets a fixed
// value, and a country outside clientCountries gets no header: the catalog falls back to the languages).
resource clientCountryRules 'Microsoft.Cdn/profiles/ruleSets@2024-09-01' = {
  parent: profile
  name: 'clientcountry'
}

resource deleteClientCountry 'Microsoft.Cdn/profiles/ruleSets/rules@2024-09-01' = {
  parent: clientCountryRules
  name: 'deleteClientSent'
  properties: {
    order: 1
    matchProcessingBehavior: 'Continue'
    conditions: []
    actions: [
      {
        name: 'ModifyRequestHeader'
        parameters: {
          typeName: 'DeliveryRuleHeaderActionParameters'
          headerAction: 'Delete'
          headerName: 'X-Client-Country'
        }
      }
    ]
  }
}

// One at a time: Front Door refuses concurrent writes to the rules of one rule set.
@batchSize(1)
resource setClientCountry 'Microsoft.Cdn/profiles/ruleSets/rules@2024-09-01' = [
  for (country, i) in clientCountries: {
    parent: clientCountryRules
    name: 'country${toUpper(country)}'
    properties: {
      order: i + 2
      matchProcessingBehavior: 'Continue'
      conditions: [
        {
          name: 'RemoteAddress'
          parameters: {
            typeName: 'DeliveryRuleRemoteAddressConditionParameters'
            operator: 'GeoMatch'
            negateCondition: false
            matchValues: [
              toUpper(country)
            ]
            transforms: []
          }
        }
      ]
      actions: [
        {
          name: 'ModifyRequestHeader'
          parameters: {
            typeName: 'DeliveryRuleHeaderActionParameters'
            headerAction: 'Overwrite'
            headerName: 'X-Client-Country'
            value: toUpper(country)
          }
        }
      ]
    }
    // Rules of one rule set are written one at a time, after the delete rule.
    dependsOn: [
      deleteClientCountry
    ]
  }
]

resource apiRoute 'Microsoft.Cdn/profiles/afdEndpoints/routes@2024-09-01' = {
  parent: endpoint
  name: 'api'
  properties: {
    originGroup: {
      id: originGroup.id
    }
    // The country header first: rule sets run in this order.
    ruleSets: [
      {
        id: clientCountryRules.id
      }
      {
        id: cachingRules.id
      }
    ]
    supportedProtocols: [
      'Https'
    ]
    patternsToMatch: [
      '/api/*'
    ]
    forwardingProtocol: 'HttpsOnly'
    linkToDefaultDomain: 'Enabled'
    httpsRedirect: 'Enabled'
    enabledState: 'Enabled'
  }
  dependsOn: [
    origin
    cacheCatalogReads
    cacheStaticAssets
    deleteClientCountry
    setClientCountry
  ]
}

resource webRoute 'Microsoft.Cdn/profiles/afdEndpoints/routes@2024-09-01' = {
  parent: endpoint
  name: 'web'
  properties: {
    originGroup: {
      id: webOriginGroup.id
    }
    // Blobs live in the container: /assets/x.js is read from /<container>/assets/x.js.
    originPath: '/${webContainerName}'
    ruleSets: [
      {
        id: webAppRules.id
      }
      {
        id: cachingRules.id
      }
    ]
    supportedProtocols: [
      'Http'
      'Https'
    ]
    // /api/* and /media/* are more specific and stay with their routes.
    patternsToMatch: [
      '/*'
    ]
    forwardingProtocol: 'HttpsOnly'
    linkToDefaultDomain: 'Enabled'
    httpsRedirect: 'Enabled'
    enabledState: 'Enabled'
    cacheConfiguration: {
      queryStringCachingBehavior: 'IgnoreQueryString'
      compressionSettings: {
        isCompressionEnabled: true
        contentTypesToCompress: [
          'text/html'
          'text/css'
          'application/javascript'
          'image/svg+xml'
        ]
      }
    }
  }
  dependsOn: [
    webOrigin
    spaFallback
    webSecurityHeaders
    cacheStaticAssets
    apiRoute
  ]
}

resource mediaRoute 'Microsoft.Cdn/profiles/afdEndpoints/routes@2024-09-01' = {
  parent: endpoint
  name: 'media'
  properties: {
    originGroup: {
      id: mediaOriginGroup.id
    }
    // No originPath: /media/<hash>/640.webp is read from container media, blob <hash>/640.webp, as it is.
    ruleSets: [
      {
        id: mediaRules.id
      }
    ]
    supportedProtocols: [
      'Https'
    ]
    // More specific than the storefront's /*, so the storefront's rules (index.html fallback, 7-day override) never
    // touch images.
    patternsToMatch: [
      '/media/*'
    ]
    forwardingProtocol: 'HttpsOnly'
    linkToDefaultDomain: 'Enabled'
    httpsRedirect: 'Enabled'
    enabledState: 'Enabled'
    // Caching on, honouring the blobs' own Cache-Control (a year, immutable); names never change their bytes, so a
    // query string is noise. No compression: AVIF, WebP and JPEG are compressed already.
    cacheConfiguration: {
      queryStringCachingBehavior: 'IgnoreQueryString'
      compressionSettings: {
        isCompressionEnabled: false
        contentTypesToCompress: []
      }
    }
  }
  dependsOn: [
    mediaOrigin
    mediaResponseHeaders
    webRoute
  ]
}

resource wafPolicy 'Microsoft.Network/FrontDoorWebApplicationFirewallPolicies@2024-02-01' = {
  // Front Door WAF policy names allow letters and digits only.
  name: 'waf${replace(namePrefix, '-', '')}fd'
  location: 'Global'
  tags: tags
  sku: {
    name: 'Premium_AzureFrontDoor'
  }
  properties: {
    policySettings: {
      enabledState: 'Enabled'
      mode: wafMode
      requestBodyCheck: 'Enabled'
    }
    customRules: {
      rules: [
        {
          name: 'RateLimitApiPerClient'
          priority: 100
          enabledState: 'Enabled'
          ruleType: 'RateLimitRule'
          rateLimitDurationInMinutes: 1
          rateLimitThreshold: rateLimitPerMinute
          groupBy: [
            {
              variableName: 'SocketAddr'
            }
          ]
          matchConditions: [
            {
              matchVariable: 'RequestUri'
              operator: 'Contains'
              matchValue: [
                '/api/'
              ]
              negateCondition: false
              transforms: []
            }
          ]
          action: 'Block'
        }
      ]
    }
    managedRules: {
      managedRuleSets: [
        {
          ruleSetType: 'Microsoft_DefaultRuleSet'
          ruleSetVersion: '2.1'
          ruleSetAction: 'Block'
        }
        {
          ruleSetType: 'Microsoft_BotManagerRuleSet'
          ruleSetVersion: '1.1'
        }
      ]
    }
  }
}

resource securityPolicy 'Microsoft.Cdn/profiles/securityPolicies@2024-09-01' = {
  parent: profile
  name: 'waf'
  properties: {
    parameters: {
      type: 'WebApplicationFirewall'
      wafPolicy: {
        id: wafPolicy.id
      }
      associations: [
        {
          domains: [
            {
              id: endpoint.id
            }
          ]
          patternsToMatch: [
            '/*'
          ]
        }
      ]
    }
  }
}

@description('The name of the Front Door profile.')
output name string = profile.name

@description('The resource id of the Front Door profile.')
output resourceId string = profile.id

@description('The location of the profile.')
output location string = 'global'

@description('The host name of the endpoint (https://<host>/api/...).')
output endpointHostName string = endpoint.properties.hostName

@description('The Front Door id that requests carry in X-Azure-FDID (the gateway WAF admits only it).')
output frontDoorId string = profile.properties.frontDoorId
