// A virtual endpoint pair of the PostgreSQL primary (Flexible Server 2024-08-01, virtualendpoints): the writer name
// <name>.writer.postgres.database.azure.com always points at the server that takes writes, and follows a promotion of
// a member replica (promoteMode switchover), so the services' DATABASE_URL need not change after a failover; the reader
// name <name>.postgres.database.azure.com points at the member replica. Created once a cross-region replica exists.

@description('Required. Name of the primary server.')
param primaryServerName string

@description('Required. Name of the virtual endpoint (the first label of its writer and reader host names).')
param name string

@description('Required. Names of the member replicas (Azure allows one: the promotion candidate).')
@minLength(1)
@maxLength(1)
param memberNames string[]

resource primary 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' existing = {
  name: primaryServerName
}

resource virtualEndpoint 'Microsoft.DBforPostgreSQL/flexibleServers/virtualendpoints@2024-08-01' = {
  parent: primary
  name: name
  properties: {
    endpointType: 'ReadWrite'
    members: memberNames
  }
}

@description('The name of the virtual endpoint.')
output name string = virtualEndpoint.name

@description('The resource id of the virtual endpoint.')
output resourceId string = virtualEndpoint.id

@description('Host of the writer endpoint (follows a promotion).')
output writerHostName string = '${name}.writer.postgres.database.azure.com'

@description('Host of the reader endpoint (the member replica).')
output readerHostName string = '${name}.postgres.database.azure.com'
