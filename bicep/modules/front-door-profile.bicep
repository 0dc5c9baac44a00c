// The Front Door profile alone, deployed before the Application Gateway: the gateway's WAF admits only requests whose
// X-Azure-FDID header is this profile's frontDoorId, while Front Door's origin (front-door.bicep, deployed after the
// gateway) needs the gateway's host name. Splitting the profile from its endpoint and origins breaks that cycle.

@description('Required. Name prefix of the resources (e.g. shop-prod).')
param namePrefix string

@description('Optional. Seconds Front Door waits for an origin\'s response.')
@minValue(16)
@maxValue(240)
param originResponseTimeoutSeconds int = 60

@description('Optional. Tags of every resource.')
param tags object = {}

resource profile 'Microsoft.Cdn/profiles@2024-09-01' = {
  name: 'afd-${namePrefix}'
  location: 'global'
  tags: tags
  sku: {
    name: 'Premium_AzureFrontDoor'
  }
  properties: {
    originResponseTimeoutSeconds: originResponseTimeoutSeconds
  }
}

@description('The name of the Front Door profile.')
output name string = profile.name

@description('The resource id of the Front Door profile.')
output resourceId string = profile.id

@description('The location of the profile.')
output location string = 'global'

@description('The id every request from this profile carries in X-Azure-FDID (the gateway WAF admits only it).')
output frontDoorId string = profile.properties.frontDoorId
