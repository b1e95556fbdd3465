metadata name = 'Built-in role definitions'
metadata description = 'The one source of role definition ids for every template: built-in-roles.json, with the source of each id.'

@export()
@description('Azure RBAC built-in roles by name: the role definition GUID.')
var builtInRoles = loadJsonContent('built-in-roles.json', '$.azureRbac')

@export()
@description('Cosmos DB data-plane (SQL) built-in roles by name: the sqlRoleDefinitions id.')
var cosmosDbSqlRoles = loadJsonContent('built-in-roles.json', '$.cosmosDbSql')

@export()
@description('The AVM builtInRoleNames map for a module: each named role\'s subscription-scope role definition resource id.')
func roleDefinitionIds(roles object, names string[]) object =>
  toObject(names, name => name, name => subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles[name]))
