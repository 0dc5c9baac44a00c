// E-mail of the shop (password resets, e-mail verification, order notifications sent by the Functions app): an Email
// Communication Service with an Azure-managed domain (DoNotReply@<guid>.azurecomm.net, verified by Azure, so mail
// leaves on the first deployment), linked to a Communication Services resource that the Functions identity calls with
// Entra ID only (local, key-based authentication off; functions.bicep grants its role). A custom domain replaces the
// managed one later (docs).

@description('Required. Name prefix of the resources (e.g. shop-prod).')
param namePrefix string

@description('Optional. Where the data of Communication Services is stored at rest (a geography, not a region).')
@allowed([
  'Africa'
  'Asia Pacific'
  'Australia'
  'Brazil'
  'Canada'
  'Europe'
  'France'
  'Germany'
  'India'
  'Japan'
  'Korea'
  'Norway'
  'Switzerland'
  'UAE'
  'UK'
  'United States'
])
param dataLocation string = 'Europe'

@description('Optional. Tags of every resource.')
param tags object = {}

// Azure-managed domains always have this name and always send as DoNotReply.
var managedDomainSenderUsername = 'DoNotReply'

resource emailService 'Microsoft.Communication/emailServices@2026-03-18' = {
  name: 'ecs-${namePrefix}-${uniqueString(resourceGroup().id)}'
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
  }
}

resource managedDomain 'Microsoft.Communication/emailServices/domains@2026-03-18' = {
  parent: emailService
  name: 'AzureManagedDomain'
  location: 'global'
  tags: tags
  properties: {
    domainManagement: 'AzureManaged'
    // Tracking rewrites links; the reset and verification links must reach the shop unchanged.
    userEngagementTracking: 'Disabled'
  }
}

resource communicationService 'Microsoft.Communication/communicationServices@2026-03-18' = {
  name: 'acs-${namePrefix}-${uniqueString(resourceGroup().id)}'
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
    linkedDomains: [
      managedDomain.id
    ]
    // No access keys: the Functions app signs in with its identity.
    disableLocalAuth: true
  }
}

@description('The name of the Communication Services resource.')
output name string = communicationService.name

@description('The resource id of the Communication Services resource.')
output resourceId string = communicationService.id

@description('The location of the resources (Communication Services are global).')
output location string = communicationService.location

@description('The endpoint the e-mail client calls (ACS_EMAIL_ENDPOINT).')
output endpoint string = 'https://${communicationService.properties.hostName}'

@description('The sender address of the Azure-managed domain (EMAIL_SENDER_ADDRESS).')
output senderAddress string = '${managedDomainSenderUsername}@${managedDomain.properties.fromSenderDomain}'
