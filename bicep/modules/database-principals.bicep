// Makes each service identity a PostgreSQL principal (pgaadauth_create_principal_with_oid) and grants it its own
// database, from inside the VNet: a deployment script whose identity is one of the server's Entra administrators.
// Idempotent, so every deployment runs it again; the services then sign in with Entra tokens (DATABASE_AUTH=entra).

@description('Required. Name prefix of the resources (e.g. shop-prod).')
param namePrefix string

@description('Optional. Location of the script.')
param location string = resourceGroup().location

@description('Required. Resource id of the identity the script runs as (an Entra administrator of the server).')
param runnerIdentityResourceId string

@description('Required. Name of that identity: its role name on the server.')
param runnerPrincipalName string

@description('Required. Storage account of the deployment scripts.')
param runnerStorageAccountName string

@description('Required. Resource id of the subnet the script\'s container group joins.')
param subnetId string

@description('Required. FQDN of the PostgreSQL server.')
param postgresFqdn string

@description('Required. The principals to create, each with the one database it may use.')
param principals databasePrincipalType[]

@description('Optional. Azure CLI version of the script container.')
param azCliVersion string = '2.67.0'

@description('Optional. Changes on every deployment, so that the script runs every time and repairs a principal or grant removed by hand (a parameter: utcNow() is allowed only as a parameter default).')
param runTag string = utcNow()

@description('Optional. Tags of every resource.')
param tags object = {}

@description('A service identity and its database.')
type databasePrincipalType = {
  @description('Required. Role name on the server (the user of the service\'s DATABASE_URL).')
  roleName: string
  @description('Required. Object (principal) id of the identity.')
  objectId: string
  @description('Required. Database the role gets ALL on.')
  database: string
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: runnerStorageAccountName
}

// One line per principal: "<role> <object id> <database>" (none of them contains a space).
var principalLines = join(map(principals, p => '${p.roleName} ${p.objectId} ${p.database}'), '\n')

resource script 'Microsoft.Resources/deploymentScripts@2023-08-01' = {
  name: 'ds-${namePrefix}-database-principals'
  location: location
  tags: tags
  kind: 'AzureCLI'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${runnerIdentityResourceId}': {}
    }
  }
  properties: {
    azCliVersion: azCliVersion
    // Runs again whenever the list changes (a new service, a re-created identity).
    forceUpdateTag: uniqueString(principalLines, postgresFqdn, runTag)
    containerSettings: {
      subnetIds: [
        {
          id: subnetId
        }
      ]
    }
    storageAccountSettings: {
      storageAccountName: storage.name
      storageAccountKey: listKeys(storage.id, storage.apiVersion).keys[0].value
    }
    environmentVariables: [
      {
        name: 'PGHOST'
        value: postgresFqdn
      }
      {
        name: 'PGUSER'
        value: runnerPrincipalName
      }
      {
        name: 'DATABASE_PRINCIPALS'
        value: principalLines
      }
    ]
    scriptContent: loadTextContent('scripts/create-database-principals.sh')
    timeout: 'PT15M'
    retentionInterval: 'P1D'
    cleanupPreference: 'OnSuccess'
  }
}

@description('The name of the deployment script.')
output name string = script.name

@description('The resource id of the deployment script.')
output resourceId string = script.id

@description('The location of the deployment script.')
output location string = location
