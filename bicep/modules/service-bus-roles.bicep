// Data-plane roles (Azure Service Bus Data Sender/Receiver) of some principals on some topics of an existing namespace.

@description('Required. Name of the Service Bus namespace.')
param namespaceName string

@description('Required. Roles: principal, role, topics.')
param topicRoles topicRoleType[]

@description('A data-plane role of one principal on some topics.')
type topicRoleType = {
  @description('Required. Principal (object) id of the identity.')
  principalId: string
  @description('Required. The role.')
  role: ('sender' | 'receiver')
  @description('Required. Topics the role applies to.')
  topics: string[]
}

var roleIds = {
  sender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39' // Azure Service Bus Data Sender
  receiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0' // Azure Service Bus Data Receiver
}

var assignments = flatten(map(topicRoles, r => map(r.topics, t => {
  principalId: r.principalId
  role: r.role
  topic: t
})))

var topicNames = union(map(assignments, a => a.topic), [])

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: namespaceName
}

resource topics 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' existing = [
  for topic in topicNames: {
    parent: namespace
    name: topic
  }
]

// Topic scope: an app can send to (or receive from) exactly the topics it owns, nothing else in the namespace.
resource topicRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for a in assignments: {
    name: guid(namespace.id, a.topic, a.principalId, roleIds[a.role])
    scope: topics[indexOf(topicNames, a.topic)]
    properties: {
      principalId: a.principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds[a.role])
    }
  }
]

@description('The name of the namespace.')
output name string = namespace.name

@description('The resource id of the namespace.')
output resourceId string = namespace.id

@description('Number of role assignments made.')
output assignmentCount int = length(assignments)
