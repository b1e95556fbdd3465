/**
 * Every setting the app reads, with its default and meaning. `local.settings.sample.json` lists
 * the same keys; a test keeps the two in step.
 */
export interface SettingSpec {
  readonly key: string;
  readonly default?: string;
  readonly description: string;
}

export const SETTINGS: readonly SettingSpec[] = [
  {
    key: 'STAMPS_CLOUD',
    default: 'local',
    description: '`local` (embedded Cosmos, simulated Azure) or `azure` (real services)',
  },
  {
    key: 'STAMPS_REGIONS',
    default: 'westeurope:weu:1:4,eastus:eus:2:3,southeastasia:sea:3:3',
    description:
      'regions as `name:code:priority:max[:desired]`, comma-separated; lower priority is preferred; desired (the stamp count the fleet reconciler keeps until an operator sets another) defaults to max less the warm spares of the region',
  },
  { key: 'STAMPS_TOTAL_MAX', default: '10', description: 'most stamps holding capacity across all regions' },
  { key: 'STAMPS_DRAIN_MINUTES', default: '30', description: 'default drain duration (1-1440)' },
  { key: 'STAMPS_RETENTION_DAYS', default: '30', description: 'days an archived stamp is kept before purge' },
  {
    key: 'STAMPS_MIN_IN_ROTATION_PER_REGION',
    default: '1',
    description: 'automation never goes below this many stamps in rotation per region',
  },
  {
    key: 'STAMPS_MAX_UNHEALTHY_PERCENT',
    default: '40',
    description: 'above this share of stamps alerting at once, isolate nothing and raise an incident',
  },
  {
    key: 'STAMPS_ISOLATION_GRACE_MINUTES',
    default: '15',
    description: 'an isolated stamp whose alert resolves within this rejoins',
  },
  {
    key: 'STAMPS_REPLACEMENT_SURGE_PER_REGION',
    default: '1',
    description: 'how far a replacement may exceed its region max',
  },
  {
    key: 'STAMPS_REGISTRATION_TIMEOUT_MINUTES',
    default: '15',
    description: 'a registering stamp not healthy by then fails',
  },
  {
    key: 'STAMPS_SCALE_COOLDOWN_MINUTES',
    default: '15',
    description: 'minimum time between two automatic scale actions in a region',
  },
  {
    key: 'STAMPS_FAILED_CLEANUP_MINUTES',
    default: '60',
    description:
      'a failed stamp is cleaned up automatically this long after it failed (its record kept, its resources removed); 0 never',
  },
  {
    key: 'STAMPS_ALERT_CORRELATION_SECONDS',
    default: '60',
    description:
      'a failing probe waits this long before its isolation is decided, so alerts fired together are judged together',
  },
  {
    key: 'STAMPS_SPARES_PER_REGION',
    default: '0',
    description:
      'warm spares each region keeps: deployed and registered with the origin disabled, promoted when the region is short; they hold capacity slots (a region that never had a desired count set desires its max minus its spares)',
  },
  {
    key: 'STAMPS_SPARE_MAX_AGE_HOURS',
    default: '168',
    description:
      'a spare older than this is replaced by a fresh one, so it never drifts from the current template',
  },
  {
    key: 'STAMPS_RAMP_STEPS',
    default: '1,10,50,100',
    description:
      "a new or promoted stamp's traffic ramp: each step's percentage of a full Front Door origin weight, increasing, ending at 100; '100' takes full weight at once",
  },
  {
    key: 'STAMPS_RAMP_BAKE_MINUTES',
    default: '10',
    description:
      'how long each ramp step runs before its canary comparison decides the next (at least 5: Azure Monitor metrics arrive up to 3 minutes late)',
  },
  {
    key: 'STAMPS_CANARY_MAX_ERROR_POINTS',
    default: '2',
    description:
      "a ramping stamp whose 5xx share exceeds its region peers' by more than these percentage points is isolated",
  },
  {
    key: 'STAMPS_CANARY_MAX_LATENCY_RATIO',
    default: '1.5',
    description:
      "a ramping stamp whose latency exceeds its region peers' by more than this ratio is isolated",
  },
  {
    key: 'STAMPS_CANARY_MIN_REQUESTS',
    default: '50',
    description:
      'fewer requests than this in a bake (on the stamp or its peers) compare nothing; after 3 such bakes the step is passed',
  },
  {
    key: 'STAMPS_QUARANTINE_AUTO_VERIFY',
    default: 'true',
    description: 'run the automatic quarantine checks',
  },
  {
    key: 'STAMPS_QUARANTINE_REQUIRE_APPROVAL',
    default: 'false',
    description: 'also require an operator to verify a quarantined stamp',
  },
  {
    key: 'STAMPS_FOUR_EYES',
    default: 'true',
    description: 'four eyes: whoever drained or isolated a stamp cannot approve its verification',
  },
  {
    key: 'STAMPS_OVERRIDE_REQUIRES_ADMIN',
    default: 'true',
    description: 'an override of a guard needs the Stamps.Admin role (and a reason, always)',
  },
  {
    key: 'STAMPS_ALERT_KEY',
    description:
      "the alert receiver's own key (header `x-stamps-alert-key`), for senders that cannot use the action group's secure webhook; empty: only a token with the Stamps.AlertSender role is accepted",
  },
  {
    key: 'WEBSITE_AUTH_ENABLED',
    description:
      'set by App Service when its authentication is on (`True`); only then are the platform identity headers trusted (the local host plays the platform and sets it)',
  },
  { key: 'STAMPS_TASK_HUB', default: 'stamps', description: 'Durable Functions task hub name (host.json)' },
  {
    key: 'Cosmos__accountEndpoint',
    description: 'Cosmos DB account endpoint; empty = the embedded server (local only)',
  },
  {
    key: 'Cosmos__key',
    description: 'only for the Cosmos emulator; on Azure the app uses its managed identity',
  },
  { key: 'STAMPS_COSMOS_DATABASE', default: 'stamps', description: 'Cosmos DB database name' },
  { key: 'AZURE_SUBSCRIPTION_ID', description: 'azure: subscription that stamps are deployed to' },
  {
    key: 'STAMPS_ENVIRONMENT',
    default: 'production',
    description: 'azure: the `environment` parameter of the stamp template',
  },
  {
    key: 'STAMPS_FRONTDOOR_RESOURCE_GROUP',
    description: 'azure: resource group of the global Front Door profile',
  },
  { key: 'STAMPS_FRONTDOOR_PROFILE', description: 'azure: Front Door profile name' },
  { key: 'STAMPS_FRONTDOOR_ORIGIN_GROUP', description: 'azure: origin group the stamps are registered in' },
  {
    key: 'ServiceBusConnection__fullyQualifiedNamespace',
    description: 'azure: Service Bus namespace (`<ns>.servicebus.windows.net`)',
  },
  {
    key: 'STAMPS_EVENTGRID_TOPIC_ENDPOINT',
    description: 'azure: Event Grid topic endpoint for stamp signals and notifications',
  },
  {
    key: 'STAMPS_LOG_ANALYTICS_WORKSPACE_ID',
    description:
      'azure: resource ID of the global Log Analytics workspace (stamp template `logAnalyticsWorkspaceId`)',
  },
  {
    key: 'STAMPS_ALERT_ACTION_GROUP_ID',
    description:
      "azure, optional: resource ID of the action group the stamps' alerts notify (`actionGroupResourceId`)",
  },
  {
    key: 'STAMPS_ARCHIVE_BLOB_ENDPOINT',
    description:
      "azure: blob endpoint of the archive storage account, https://<account>.blob.core.windows.net (retired stamps' records)",
  },
  {
    key: 'WEBSITE_RESOURCE_GROUP',
    description:
      "azure: set by App Service, the function app's resource group; a stamp request's dry run reads the app's ARM permissions there",
  },
  {
    key: 'STAMPS_ARCHIVE_CONTAINER',
    default: 'stamp-archives',
    description: 'blob container of the archives; version-level immutability (WORM) must be enabled on it',
  },
  {
    key: 'STAMPS_LOCAL_USERS',
    default: 'local-admin=Stamps.Admin+Stamps.Approver,local-approver=Stamps.Approver',
    description:
      'local: the users the local host signs in, as `name=Role+Role`, comma-separated; the first signs every request that brings no token',
  },
  {
    key: 'STAMPS_LOCAL_AUTH',
    default: 'default-user',
    description:
      'local: `default-user` (a request without a token is the first local user) or `strict` (no default user: 401 without a token)',
  },
  { key: 'PORT', default: '7071', description: 'local: port of the local host (0: any free port)' },
  {
    key: 'STAMPS_TIME_SCALE',
    default: '60',
    description:
      'local: how many times faster than real time the simulated clock runs (60: a minute each second)',
  },
  {
    key: 'STAMPS_DATA_DIR',
    description:
      'local: a directory that keeps the state across restarts (as `npm start -- --data-dir DIR`); empty: state ends with the process',
  },
];
