metadata name = 'AVM common types (local copy)'
metadata description = '''
The shapes of the Azure Verified Modules standard interfaces (avm/utl/types/avm-common-types), copied
locally because this project cannot restore br/public modules. Only the fields the local modules
implement are declared; a module that takes one of these types honours every field it declares.
Also exports the small helpers every module uses to turn those inputs into resources.
'''

// ---------------------------------------------------------------------------------------------
// Lock
// ---------------------------------------------------------------------------------------------

@export()
@description('An AVM-aligned type for a lock.')
type lockType = {
  @description('Optional. Specify the name of the lock.')
  name: string?

  @description('Optional. Specify the type of lock.')
  kind: ('CanNotDelete' | 'ReadOnly' | 'None')?

  @description('Optional. Specify the notes of the lock.')
  notes: string?
}

// ---------------------------------------------------------------------------------------------
// Role assignments
// ---------------------------------------------------------------------------------------------

@export()
@description('An AVM-aligned type for a role assignment.')
type roleAssignmentType = {
  @description('Optional. The name (as GUID) of the role assignment. If not provided, a deterministic GUID is generated.')
  name: string?

  @description('Required. The role to assign: a display name from the module\'s list of built-in roles, a role definition GUID, or its fully qualified ID.')
  roleDefinitionIdOrName: string

  @description('Required. The principal ID of the principal (user/group/identity) to assign the role to.')
  principalId: string

  @description('Optional. The principal type of the assigned principal ID.')
  principalType: ('ServicePrincipal' | 'Group' | 'User' | 'ForeignGroup' | 'Device')?

  @description('Optional. The description of the role assignment.')
  description: string?

  @description('Optional. The conditions on the role assignment. This limits the resources it can be assigned to.')
  condition: string?

  @description('Optional. Version of the condition.')
  conditionVersion: '2.0'?
}

// ---------------------------------------------------------------------------------------------
// Diagnostic settings
// ---------------------------------------------------------------------------------------------

@export()
@description('An AVM-aligned type for a diagnostic setting, with logs and metrics.')
type diagnosticSettingFullType = {
  @description('Optional. The name of the diagnostic setting.')
  name: string?

  @description('Optional. The log categories and groups to send. Defaults to the group allLogs.')
  logCategoriesAndGroups: {
    @description('Optional. Name of a diagnostic log category for the resource type.')
    category: string?

    @description('Optional. Name of a diagnostic log category group, such as allLogs or audit.')
    categoryGroup: string?

    @description('Optional. Enable or disable the category explicitly. Default is true.')
    enabled: bool?
  }[]?

  @description('Optional. The metric categories to send. Defaults to AllMetrics.')
  metricCategories: {
    @description('Required. Name of a diagnostic metric category, such as AllMetrics.')
    category: string

    @description('Optional. Enable or disable the category explicitly. Default is true.')
    enabled: bool?
  }[]?

  @description('Optional. A string indicating whether the export to Log Analytics should use the default destination type (AzureDiagnostics) or a resource-specific table (Dedicated).')
  logAnalyticsDestinationType: ('Dedicated' | 'AzureDiagnostics')?

  @description('Optional. Resource ID of the Log Analytics workspace to send the diagnostics to.')
  workspaceResourceId: string?

  @description('Optional. Resource ID of the storage account to archive the diagnostics to.')
  storageAccountResourceId: string?
}

@export()
@description('An AVM-aligned type for a diagnostic setting that only supports metrics (no logs).')
type diagnosticSettingMetricsOnlyType = {
  @description('Optional. The name of the diagnostic setting.')
  name: string?

  @description('Optional. The metric categories to send. Defaults to AllMetrics.')
  metricCategories: {
    @description('Required. Name of a diagnostic metric category, such as AllMetrics.')
    category: string

    @description('Optional. Enable or disable the category explicitly. Default is true.')
    enabled: bool?
  }[]?

  @description('Optional. Resource ID of the Log Analytics workspace to send the diagnostics to.')
  workspaceResourceId: string?
}

// ---------------------------------------------------------------------------------------------
// Managed identities
// ---------------------------------------------------------------------------------------------

@export()
@description('An AVM-aligned type for managed identities, system- and user-assigned.')
type managedIdentityAllType = {
  @description('Optional. Enables the system-assigned managed identity on the resource.')
  systemAssigned: bool?

  @description('Optional. The resource IDs of the user-assigned identities to assign to the resource.')
  userAssignedResourceIds: string[]?
}

@export()
@description('An AVM-aligned type for user-assigned managed identities only.')
type managedIdentityOnlyUserAssignedType = {
  @description('Optional. The resource IDs of the user-assigned identities to assign to the resource.')
  userAssignedResourceIds: string[]?
}

// ---------------------------------------------------------------------------------------------
// Private endpoints
// ---------------------------------------------------------------------------------------------

@export()
@description('An AVM-aligned type for a private endpoint to a resource that exposes one sub-resource (group id).')
type privateEndpointSingleServiceType = {
  @description('Optional. The name of the private endpoint.')
  name: string?

  @description('Optional. The location to deploy the private endpoint to. Defaults to the resource\'s location.')
  location: string?

  @description('Optional. The sub-resource (group id) to connect to. Defaults to the resource type\'s main sub-resource.')
  service: string?

  @description('Required. Resource ID of the subnet where the endpoint needs to be created.')
  subnetResourceId: string

  @description('Optional. The private DNS zone group to configure for the private endpoint.')
  privateDnsZoneGroup: {
    @description('Optional. The name of the private DNS zone group.')
    name: string?

    @description('Required. The private DNS zones to register the endpoint in.')
    privateDnsZoneGroupConfigs: {
      @description('Optional. The name of the private DNS zone group config.')
      name: string?

      @description('Required. The resource ID of the private DNS zone.')
      privateDnsZoneResourceId: string
    }[]
  }?

  @description('Optional. Tags to apply to the private endpoint.')
  tags: object?
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

@export()
@description('The fully qualified role definition ID for a display name from builtInRoles, a role definition GUID, or an already fully qualified ID.')
func roleDefinitionIdFor(roleDefinitionIdOrName string, builtInRoles object, subscriptionId string) string =>
  builtInRoles[?roleDefinitionIdOrName] ?? (contains(roleDefinitionIdOrName, '/providers/Microsoft.Authorization/roleDefinitions/')
    ? roleDefinitionIdOrName
    : '/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleDefinitionIdOrName}')
