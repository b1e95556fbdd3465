/**
 * The contract between the Deployer and the stamp template: the parameters the Deployer passes to
 * the compiled `infra/stamp/main.bicep` (`dist/infra/stamp/main.json`) and the outputs the control
 * plane reads back from the finished deployment. `test/infra` checks that the compiled template
 * declares exactly these parameters (with these types and this optionality) and these outputs, so
 * a change on either side fails `npm test` until both agree.
 *
 * ARM takes parameters as `{ name: { value } }`; {@link toArmParameters} builds that shape.
 *
 * @example
 * const parameters = toArmParameters({
 *   stampId: 'weu-001',
 *   location: 'westeurope',
 *   environment: 'production',
 *   generation: 1,
 *   logAnalyticsWorkspaceId: config.logAnalyticsWorkspaceId,
 *   actionGroupResourceId: config.alertActionGroupId,
 * });
 * await client.deployments.beginCreateOrUpdateAtSubscriptionScope(name, {
 *   location: 'westeurope',
 *   properties: { mode: 'Incremental', template, parameters },
 * });
 */

/** The environments a stamp can belong to (the template's `environment` allowed values). */
export const STAMP_ENVIRONMENTS = ['production', 'staging', 'development'] as const;
export type StampEnvironment = (typeof STAMP_ENVIRONMENTS)[number];

/** What the Deployer passes. Optional members have defaults in the template. */
export interface StampTemplateParameters {
  /** The stamp id, e.g. `weu-001`: 3-12 lowercase letters, digits and hyphens. */
  readonly stampId: string;
  /** The Azure region, e.g. `westeurope`; also the deployment's `location`. */
  readonly location: string;
  readonly environment: StampEnvironment;
  /** The generation of the stamp's desired state (>= 1); recorded in the resources' tags. */
  readonly generation: number;
  /** Resource ID of the global Log Analytics workspace (infra/global output `logAnalyticsWorkspaceId`). */
  readonly logAnalyticsWorkspaceId: string;
  /** Resource ID of the control plane's action group; when set, the stamp's capacity alerts notify it. */
  readonly actionGroupResourceId?: string;
  /** HTTPS URL of the GitOps repository Flux deploys the stamp's applications from. */
  readonly gitOpsRepositoryUrl?: string;
  /** Region for the ACR replica and the Cosmos DB failover region; defaults to the region's pair. */
  readonly secondaryLocation?: string;
}

export type StampTemplateParameterName = keyof StampTemplateParameters;

/** The ARM type of each parameter, and whether the Deployer must pass it. */
export const STAMP_TEMPLATE_PARAMETERS: {
  readonly [K in StampTemplateParameterName]-?: {
    readonly type: 'string' | 'int';
    readonly required: boolean;
  };
} = {
  stampId: { type: 'string', required: true },
  location: { type: 'string', required: true },
  environment: { type: 'string', required: true },
  generation: { type: 'int', required: true },
  logAnalyticsWorkspaceId: { type: 'string', required: true },
  actionGroupResourceId: { type: 'string', required: false },
  gitOpsRepositoryUrl: { type: 'string', required: false },
  secondaryLocation: { type: 'string', required: false },
};

/** Every parameter name, in declaration order. */
export const STAMP_TEMPLATE_PARAMETER_NAMES = Object.keys(
  STAMP_TEMPLATE_PARAMETERS,
) as readonly StampTemplateParameterName[];

/** The outputs of a finished stamp deployment that the control plane reads. All are strings. */
export interface StampTemplateOutputs {
  /** The host name Front Door reaches the stamp at: register it as the stamp's origin. */
  readonly originHostName: string;
  /** The stamp's resource group; deleting it purges the stamp. */
  readonly resourceGroupName: string;
  readonly resourceGroupId: string;
  readonly aksClusterResourceId: string;
  readonly aksClusterName: string;
  readonly keyVaultResourceId: string;
  readonly containerRegistryResourceId: string;
  readonly cosmosAccountResourceId: string;
  readonly serviceBusNamespaceResourceId: string;
  readonly redisResourceId: string;
  readonly postgresqlServerResourceId: string;
  /** The firewall's public IP, released when the stamp is purged. */
  readonly publicIpResourceId: string;
  readonly workloadIdentityClientId: string;
}

export type StampTemplateOutputName = keyof StampTemplateOutputs;

const OUTPUTS: { readonly [K in StampTemplateOutputName]: true } = {
  originHostName: true,
  resourceGroupName: true,
  resourceGroupId: true,
  aksClusterResourceId: true,
  aksClusterName: true,
  keyVaultResourceId: true,
  containerRegistryResourceId: true,
  cosmosAccountResourceId: true,
  serviceBusNamespaceResourceId: true,
  redisResourceId: true,
  postgresqlServerResourceId: true,
  publicIpResourceId: true,
  workloadIdentityClientId: true,
};

/** Every output name the control plane reads. */
export const STAMP_TEMPLATE_OUTPUT_NAMES = Object.keys(OUTPUTS) as readonly StampTemplateOutputName[];

/** ARM's parameter shape: `{ name: { value } }`, leaving out optional parameters that are not set. */
export function toArmParameters(
  parameters: StampTemplateParameters,
): Readonly<Record<string, { readonly value: string | number }>> {
  const arm: Record<string, { readonly value: string | number }> = {};
  for (const name of STAMP_TEMPLATE_PARAMETER_NAMES) {
    const value = parameters[name];
    if (value !== undefined) arm[name] = { value };
  }
  return arm;
}

/**
 * Reads a finished deployment's `properties.outputs` (`{ name: { type, value } }`, as `unknown`)
 * into {@link StampTemplateOutputs}; throws naming the first output that is missing or not a string.
 */
export function parseStampTemplateOutputs(outputs: unknown): StampTemplateOutputs {
  if (typeof outputs !== 'object' || outputs === null) {
    throw new TypeError('stamp deployment outputs: expected an object');
  }
  const record = outputs as Record<string, unknown>;
  const result: Partial<Record<StampTemplateOutputName, string>> = {};
  for (const name of STAMP_TEMPLATE_OUTPUT_NAMES) {
    const entry = record[name];
    const value: unknown =
      typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>)['value'] : undefined;
    if (typeof value !== 'string' || value === '') {
      throw new TypeError(`stamp deployment outputs: ${name} is missing or not a non-empty string`);
    }
    result[name] = value;
  }
  return result as StampTemplateOutputs;
}
