import type { AccessToken, TokenCredential } from '@azure/identity';

import type { ArmTemplate } from '../../../../shared/azure';
import { type Config, loadConfig } from '../../../../shared/config/loadConfig';

export const SUBSCRIPTION_ID = '00000000-0000-0000-0000-0000000000a1';
export const STATIC_TOKEN = 'static-test-token-0123456789';
export const WORKSPACE_ID = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg-synaxis-global/providers/Microsoft.OperationalInsights/workspaces/synaxis-logs`;
export const ACTION_GROUP_ID = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg-synaxis-cp/providers/Microsoft.Insights/actionGroups/ag-stamps`;

/** A credential that hands out one static token and counts the scopes it was asked for. */
export class StaticTokenCredential implements TokenCredential {
  readonly scopes: string[] = [];

  getToken(scopes: string | string[]): Promise<AccessToken> {
    this.scopes.push(...(Array.isArray(scopes) ? scopes : [scopes]));
    return Promise.resolve({ token: STATIC_TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 });
  }
}

/** A config as loadConfig makes it for STAMPS_CLOUD=azure, pointing at the given Event Grid endpoint. */
export function azureConfig(
  eventGridTopicEndpoint = 'https://synaxis-signals.westeurope-1.eventgrid.azure.net/api/events',
): Config {
  return loadConfig({
    STAMPS_CLOUD: 'azure',
    AZURE_SUBSCRIPTION_ID: SUBSCRIPTION_ID,
    STAMPS_FRONTDOOR_RESOURCE_GROUP: 'rg-synaxis-global',
    STAMPS_FRONTDOOR_PROFILE: 'synaxis-fd',
    STAMPS_FRONTDOOR_ORIGIN_GROUP: 'stamps',
    ServiceBusConnection__fullyQualifiedNamespace: 'synaxis-cp.servicebus.windows.net',
    STAMPS_EVENTGRID_TOPIC_ENDPOINT: eventGridTopicEndpoint,
    Cosmos__accountEndpoint: 'https://synaxis-cp.documents.azure.com:443/',
    STAMPS_LOG_ANALYTICS_WORKSPACE_ID: WORKSPACE_ID,
    STAMPS_ALERT_ACTION_GROUP_ID: ACTION_GROUP_ID,
    STAMPS_ARCHIVE_BLOB_ENDPOINT: 'https://stsynaxisarchive.blob.core.windows.net',
    // App Service sets it to the function app's resource group.
    WEBSITE_RESOURCE_GROUP: 'rg-synaxis-cp-prod',
  });
}

/** A small subscription-scope template with the stamp template's parameters and one output. */
export const FIXTURE_TEMPLATE: ArmTemplate = {
  $schema: 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#',
  contentVersion: '1.0.0.0',
  parameters: {
    stampId: { type: 'string' },
    location: { type: 'string' },
    environment: { type: 'string' },
    generation: { type: 'int' },
    logAnalyticsWorkspaceId: { type: 'string' },
    actionGroupResourceId: { type: 'string', defaultValue: '' },
    gitOpsRepositoryUrl: { type: 'string', defaultValue: '' },
    secondaryLocation: { type: 'string', defaultValue: '' },
  },
  resources: [],
  outputs: {
    originHostName: { type: 'string', value: "[format('{0}.example.net', parameters('stampId'))]" },
  },
};
