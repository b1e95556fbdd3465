import { z } from 'zod';

import { ValidationError } from '../errors';
import { DEFAULT_RAMP, type LifecyclePolicy, type RegionPolicy } from '../lifecycle/policy';
import { STAMP_ENVIRONMENTS, type StampEnvironment } from '../ports/stampTemplate';
import { SETTINGS } from './settings';

export type Env = Readonly<Record<string, string | undefined>>;

export interface AzureSettings {
  readonly subscriptionId: string;
  /** The stamp template's `environment`. */
  readonly environment: StampEnvironment;
  /** The stamp template's `logAnalyticsWorkspaceId`. */
  readonly logAnalyticsWorkspaceId: string;
  /** The stamp template's `actionGroupResourceId`, when alerts should notify the control plane. */
  readonly alertActionGroupId?: string;
  readonly frontDoor: {
    readonly resourceGroup: string;
    readonly profile: string;
    readonly originGroup: string;
  };
  readonly serviceBusNamespace: string;
  readonly eventGridTopicEndpoint: string;
  /** `https://<account>.blob.core.windows.net` of the archive storage account. */
  readonly archiveBlobEndpoint: string;
  /** The function app's own resource group (App Service sets it), where its ARM permissions are read. */
  readonly controlPlaneResourceGroup?: string;
}

export interface Config {
  readonly cloud: 'local' | 'azure';
  readonly policy: LifecyclePolicy;
  readonly taskHub: string;
  readonly cosmos: { readonly endpoint?: string; readonly key?: string; readonly database: string };
  readonly azure?: AzureSettings;
  readonly local: { readonly port: number; readonly timeScale: number; readonly dataDir?: string };
  /** The blob container that keeps retired stamps' archives (version-level WORM on Azure). */
  readonly archiveContainer: string;
  readonly auth: AuthSettings;
}

/** Who may do what: sign-in is the platform's, the roles and rules are the app's. */
export interface AuthSettings {
  /** The platform's authentication is on, so its identity headers can be trusted. */
  readonly platformSignIn: boolean;
  readonly overrideRequiresAdmin: boolean;
  /** The alert receiver's own key, when senders other than the secure webhook need one. */
  readonly alertKey?: string;
  /** The users the local host signs in (local only); the first is the default user. */
  readonly localUsers: readonly LocalUserSetting[];
  readonly localMode: 'default-user' | 'strict';
}

export interface LocalUserSetting {
  readonly name: string;
  readonly roles: readonly string[];
}

/** Thrown at start; the message names every bad key and why. */
export class ConfigError extends ValidationError {
  override readonly code = 'Config';

  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`, problems[0]?.split(':')[0]);
  }
}

const DEFAULTS: Record<string, string> = Object.fromEntries(
  SETTINGS.filter((s) => s.default !== undefined).map((s) => [s.key, s.default as string]),
);

const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be a whole number from ${min} to ${max}`);

const boolean = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => v === 'true' || v === 'false', 'must be true or false')
  .transform((v) => v === 'true');

/** The simulated action group signs in under this name (shared/local/host/localIdentity.ts). */
export const RESERVED_LOCAL_NAME = 'azure-monitor-action-group';

const LOCAL_ROLES = ['Reader', 'Operator', 'Approver', 'Admin', 'AlertSender'].map((r) => `Stamps.${r}`);

/** One `name=Role+Role` entry; a user may hold no role at all (signed in, allowed nothing: a 403). */
function localUser(entry: string): LocalUserSetting | undefined {
  const [name = '', roles = '', ...rest] = entry.split('=');
  const held = roles === '' ? [] : roles.split('+');
  const valid = /^[A-Za-z0-9._@-]{1,100}$/.test(name) && rest.length === 0;
  return valid && held.every((role) => LOCAL_ROLES.includes(role)) ? { name, roles: held } : undefined;
}

/** `name=Role+Role,...`: the local host's users (names are what the audit shows). */
const localUsers = z
  .string()
  .trim()
  .transform((text, ctx): LocalUserSetting[] => {
    const entries = text.split(',').map((e) => e.trim());
    const users = entries.map(localUser);
    const bad = entries.find((_, i) => users[i] === undefined);
    if (bad !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `entry '${bad}' is not name=Role+Role with roles among ${LOCAL_ROLES.join(', ')}`,
      });
      return z.NEVER;
    }
    const valid = users.filter((u): u is LocalUserSetting => u !== undefined);
    if (new Set(valid.map((u) => u.name)).size !== valid.length)
      ctx.addIssue({ code: 'custom', message: 'local user names must be unique' });
    if (valid.some((u) => u.name === RESERVED_LOCAL_NAME))
      ctx.addIssue({
        code: 'custom',
        message: `'${RESERVED_LOCAL_NAME}' is the simulated action group's name; choose another`,
      });
    return valid;
  });

const httpsUrl = z
  .string()
  .trim()
  .refine((v) => /^https:\/\/[^\s/]+/.test(v), 'must be an https:// URL');

const REQUIRED_ON_AZURE = 'is required when STAMPS_CLOUD=azure';
const required = z.string({ error: REQUIRED_ON_AZURE }).trim().min(1, REQUIRED_ON_AZURE);

const regionList = z
  .string()
  .trim()
  .transform((text, ctx): RegionPolicy[] => {
    const regions: RegionPolicy[] = [];
    for (const entry of text.split(',').map((e) => e.trim())) {
      const match = /^([a-z0-9]+):([a-z]{2,8}):(\d+):(\d+)(?::(\d+))?$/.exec(entry);
      if (match === null) {
        ctx.addIssue({
          code: 'custom',
          message: `entry '${entry}' is not name:code:priority:max[:desired] (e.g. westeurope:weu:1:4)`,
        });
        return z.NEVER;
      }
      const [, name = '', code = '', priority = '0', max = '0', desired] = match;
      if (desired !== undefined && Number(desired) > Number(max)) {
        ctx.addIssue({
          code: 'custom',
          message: `entry '${entry}': the desired count ${desired} is above the region's max ${max}`,
        });
        return z.NEVER;
      }
      regions.push({
        name,
        code,
        priority: Number(priority),
        max: Number(max),
        ...(desired === undefined ? {} : { desired: Number(desired) }),
      });
    }
    const names = new Set(regions.map((r) => r.name));
    const codes = new Set(regions.map((r) => r.code));
    if (names.size !== regions.length || codes.size !== regions.length) {
      ctx.addIssue({ code: 'custom', message: 'region names and codes must be unique' });
    }
    return regions;
  });

/** A number from `min` to `max`, decimals allowed (a ratio, percentage points). */
function decimalNumber(min: number, max: number) {
  return z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, 'must be a number such as 1.5')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
}

/** `1,10,50,100`: increasing percentages from 1 to 100, the last 100. */
const rampSteps = z
  .string()
  .trim()
  .transform((text, ctx) => {
    const steps = text.split(',').map((e) => e.trim());
    const numbers = steps.map(Number);
    const increasing = numbers.every((n, i) => i === 0 || n > (numbers[i - 1] ?? 0));
    if (
      steps.some((e) => !/^\d+(\.\d+)?$/.test(e)) ||
      numbers.some((n) => n <= 0 || n > 100) ||
      !increasing ||
      numbers.at(-1) !== 100
    ) {
      ctx.addIssue({
        code: 'custom',
        message: `'${text}' is not increasing percentages above 0 ending at 100 (e.g. 1,10,50,100; 100 for no ramp)`,
      });
      return z.NEVER;
    }
    return numbers;
  });

const schema = z.object({
  STAMPS_CLOUD: z.enum(['local', 'azure']),
  STAMPS_REGIONS: regionList,
  STAMPS_TOTAL_MAX: wholeNumber(1, 10_000),
  STAMPS_DRAIN_MINUTES: wholeNumber(1, 1440),
  STAMPS_RETENTION_DAYS: wholeNumber(0, 3650),
  STAMPS_MIN_IN_ROTATION_PER_REGION: wholeNumber(0, 100),
  STAMPS_MAX_UNHEALTHY_PERCENT: wholeNumber(1, 100),
  STAMPS_ISOLATION_GRACE_MINUTES: wholeNumber(1, 1440),
  STAMPS_REPLACEMENT_SURGE_PER_REGION: wholeNumber(0, 100),
  STAMPS_REGISTRATION_TIMEOUT_MINUTES: wholeNumber(1, 1440),
  STAMPS_SCALE_COOLDOWN_MINUTES: wholeNumber(0, 1440),
  STAMPS_FAILED_CLEANUP_MINUTES: wholeNumber(0, 10_080),
  STAMPS_ALERT_CORRELATION_SECONDS: wholeNumber(0, 3600),
  STAMPS_SPARES_PER_REGION: wholeNumber(0, 100),
  STAMPS_SPARE_MAX_AGE_HOURS: wholeNumber(1, 8760),
  STAMPS_RAMP_STEPS: rampSteps,
  // Azure Monitor's metrics arrive up to 3 minutes late: a shorter bake would read no minute of it.
  STAMPS_RAMP_BAKE_MINUTES: wholeNumber(5, 1440),
  STAMPS_CANARY_MAX_ERROR_POINTS: decimalNumber(0, 100),
  STAMPS_CANARY_MAX_LATENCY_RATIO: decimalNumber(1, 100),
  STAMPS_CANARY_MIN_REQUESTS: wholeNumber(0, 1_000_000),
  STAMPS_QUARANTINE_AUTO_VERIFY: boolean,
  STAMPS_QUARANTINE_REQUIRE_APPROVAL: boolean,
  STAMPS_FOUR_EYES: boolean,
  STAMPS_OVERRIDE_REQUIRES_ADMIN: boolean,
  // A key anyone could guess is no key: at least 32 characters.
  STAMPS_ALERT_KEY: z.string().trim().min(32, 'must be at least 32 characters').optional(),
  WEBSITE_AUTH_ENABLED: z.string().optional(),
  STAMPS_LOCAL_USERS: localUsers,
  STAMPS_LOCAL_AUTH: z.enum(['default-user', 'strict']),
  STAMPS_TASK_HUB: z
    .string()
    .trim()
    .regex(/^[a-zA-Z][a-zA-Z0-9]{2,44}$/, 'must be 3-45 letters or digits, starting with a letter'),
  Cosmos__accountEndpoint: httpsUrl.optional(),
  Cosmos__key: z.string().min(1).optional(),
  STAMPS_COSMOS_DATABASE: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,255}$/, 'must be letters, digits, - or _'),
  PORT: wholeNumber(0, 65535),
  STAMPS_TIME_SCALE: wholeNumber(1, 3600),
  STAMPS_DATA_DIR: z.string().trim().optional(),
  STAMPS_ENVIRONMENT: z.string().trim().min(1),
  AZURE_SUBSCRIPTION_ID: z.string().optional(),
  STAMPS_FRONTDOOR_RESOURCE_GROUP: z.string().optional(),
  STAMPS_FRONTDOOR_PROFILE: z.string().optional(),
  STAMPS_FRONTDOOR_ORIGIN_GROUP: z.string().optional(),
  ServiceBusConnection__fullyQualifiedNamespace: z.string().optional(),
  STAMPS_EVENTGRID_TOPIC_ENDPOINT: z.string().optional(),
  STAMPS_LOG_ANALYTICS_WORKSPACE_ID: z.string().optional(),
  STAMPS_ALERT_ACTION_GROUP_ID: z.string().optional(),
  STAMPS_ARCHIVE_BLOB_ENDPOINT: z.string().optional(),
  WEBSITE_RESOURCE_GROUP: z.string().trim().optional(),
  // Blob container names: 3-63 lowercase letters, digits and single hyphens, starting and ending
  // with a letter or digit (https://learn.microsoft.com/rest/api/storageservices/naming-and-referencing-containers--blobs--and-metadata).
  STAMPS_ARCHIVE_CONTAINER: z
    .string()
    .trim()
    .regex(
      /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/,
      'must be a blob container name (3-63 lowercase letters, digits, single hyphens)',
    ),
});

const resourceId = z
  .string()
  .trim()
  .regex(
    /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/[^/]+\/.+/i,
    'must be an Azure resource ID',
  );

const azureSchema = z.object({
  AZURE_SUBSCRIPTION_ID: required.pipe(z.guid('must be a subscription id (a GUID)')),
  STAMPS_FRONTDOOR_RESOURCE_GROUP: required,
  STAMPS_FRONTDOOR_PROFILE: required,
  STAMPS_FRONTDOOR_ORIGIN_GROUP: required,
  ServiceBusConnection__fullyQualifiedNamespace: required.pipe(
    z.string().regex(/^[a-z0-9-]+\.servicebus\.windows\.net$/i, 'must be <namespace>.servicebus.windows.net'),
  ),
  STAMPS_EVENTGRID_TOPIC_ENDPOINT: required.pipe(httpsUrl),
  Cosmos__accountEndpoint: required.pipe(httpsUrl),
  STAMPS_ENVIRONMENT: z.enum(STAMP_ENVIRONMENTS),
  STAMPS_LOG_ANALYTICS_WORKSPACE_ID: required.pipe(resourceId),
  STAMPS_ALERT_ACTION_GROUP_ID: resourceId.optional(),
  STAMPS_ARCHIVE_BLOB_ENDPOINT: required.pipe(httpsUrl),
});

/**
 * Reads and validates every setting once, at start. Empty values count as unset. Throws a
 * ConfigError naming each bad key and the reason; returns a frozen, typed config.
 *
 * @example
 * const config = loadConfig(process.env); // throws ConfigError: "STAMPS_DRAIN_MINUTES: must be ..."
 */
export function loadConfig(env: Env): Config {
  const values: Record<string, string> = { ...DEFAULTS };
  for (const spec of SETTINGS) {
    const value = env[spec.key];
    if (value !== undefined && value.trim() !== '') values[spec.key] = value;
  }
  const problems: string[] = [];
  const parsed = schema.safeParse(values);
  if (!parsed.success) problems.push(...parsed.error.issues.map((issue) => describe(issue, values)));
  let azure: AzureSettings | undefined;
  if (values.STAMPS_CLOUD === 'azure') {
    const azureParsed = azureSchema.safeParse(values);
    if (!azureParsed.success)
      problems.push(...azureParsed.error.issues.map((issue) => describe(issue, values)));
    else {
      const a = azureParsed.data;
      azure = {
        subscriptionId: a.AZURE_SUBSCRIPTION_ID,
        environment: a.STAMPS_ENVIRONMENT,
        logAnalyticsWorkspaceId: a.STAMPS_LOG_ANALYTICS_WORKSPACE_ID,
        ...(a.STAMPS_ALERT_ACTION_GROUP_ID === undefined
          ? {}
          : { alertActionGroupId: a.STAMPS_ALERT_ACTION_GROUP_ID }),
        frontDoor: {
          resourceGroup: a.STAMPS_FRONTDOOR_RESOURCE_GROUP,
          profile: a.STAMPS_FRONTDOOR_PROFILE,
          originGroup: a.STAMPS_FRONTDOOR_ORIGIN_GROUP,
        },
        serviceBusNamespace: a.ServiceBusConnection__fullyQualifiedNamespace,
        eventGridTopicEndpoint: a.STAMPS_EVENTGRID_TOPIC_ENDPOINT,
        archiveBlobEndpoint: a.STAMPS_ARCHIVE_BLOB_ENDPOINT.replace(/\/+$/, ''),
        ...(values['WEBSITE_RESOURCE_GROUP'] === undefined
          ? {}
          : { controlPlaneResourceGroup: values['WEBSITE_RESOURCE_GROUP'] }),
      };
    }
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(dedupe(problems));
  const s = parsed.data;
  const policy: LifecyclePolicy = {
    regions: s.STAMPS_REGIONS,
    totalMax: s.STAMPS_TOTAL_MAX,
    drainMinutes: s.STAMPS_DRAIN_MINUTES,
    retentionDays: s.STAMPS_RETENTION_DAYS,
    minInRotationPerRegion: s.STAMPS_MIN_IN_ROTATION_PER_REGION,
    maxUnhealthyPercent: s.STAMPS_MAX_UNHEALTHY_PERCENT,
    isolationGraceMinutes: s.STAMPS_ISOLATION_GRACE_MINUTES,
    replacementSurgePerRegion: s.STAMPS_REPLACEMENT_SURGE_PER_REGION,
    registrationTimeoutMinutes: s.STAMPS_REGISTRATION_TIMEOUT_MINUTES,
    scaleCooldownMinutes: s.STAMPS_SCALE_COOLDOWN_MINUTES,
    failedCleanupMinutes: s.STAMPS_FAILED_CLEANUP_MINUTES,
    alertCorrelationSeconds: s.STAMPS_ALERT_CORRELATION_SECONDS,
    ramp: {
      stepsPercent: s.STAMPS_RAMP_STEPS,
      bakeMinutes: s.STAMPS_RAMP_BAKE_MINUTES,
      maxErrorPercentAbovePeers: s.STAMPS_CANARY_MAX_ERROR_POINTS,
      maxLatencyRatio: s.STAMPS_CANARY_MAX_LATENCY_RATIO,
      minRequests: s.STAMPS_CANARY_MIN_REQUESTS,
      maxLowTrafficBakes: DEFAULT_RAMP.maxLowTrafficBakes,
    },
    spares: { perRegion: s.STAMPS_SPARES_PER_REGION, maxAgeHours: s.STAMPS_SPARE_MAX_AGE_HOURS },
    quarantine: {
      autoVerify: s.STAMPS_QUARANTINE_AUTO_VERIFY,
      requireHumanApproval: s.STAMPS_QUARANTINE_REQUIRE_APPROVAL,
      fourEyes: s.STAMPS_FOUR_EYES,
    },
  };
  return deepFreeze({
    cloud: s.STAMPS_CLOUD,
    policy,
    taskHub: s.STAMPS_TASK_HUB,
    cosmos: {
      ...(s.Cosmos__accountEndpoint === undefined ? {} : { endpoint: s.Cosmos__accountEndpoint }),
      ...(s.Cosmos__key === undefined ? {} : { key: s.Cosmos__key }),
      database: s.STAMPS_COSMOS_DATABASE,
    },
    ...(azure === undefined ? {} : { azure }),
    local: {
      port: s.PORT,
      timeScale: s.STAMPS_TIME_SCALE,
      ...(s.STAMPS_DATA_DIR === undefined || s.STAMPS_DATA_DIR === '' ? {} : { dataDir: s.STAMPS_DATA_DIR }),
    },
    archiveContainer: s.STAMPS_ARCHIVE_CONTAINER,
    auth: {
      // App Service sets it to `True` when authentication is on; anything else trusts no header.
      platformSignIn: (s.WEBSITE_AUTH_ENABLED ?? '').trim().toLowerCase() === 'true',
      overrideRequiresAdmin: s.STAMPS_OVERRIDE_REQUIRES_ADMIN,
      ...(s.STAMPS_ALERT_KEY === undefined ? {} : { alertKey: s.STAMPS_ALERT_KEY }),
      localUsers: s.STAMPS_LOCAL_USERS,
      localMode: s.STAMPS_LOCAL_AUTH,
    },
  });
}

/** Secrets are never echoed back in an error. */
const SECRET_KEYS = new Set(['Cosmos__key', 'STAMPS_ALERT_KEY']);

function describe(issue: z.core.$ZodIssue, values: Record<string, string>): string {
  const key = issue.path.map(String).join('.') || '(settings)';
  const message =
    issue.code === 'invalid_value' && 'values' in issue
      ? `must be one of ${issue.values.join(', ')}`
      : issue.message;
  const given = values[key];
  const shown = given === undefined || SECRET_KEYS.has(key) ? '' : ` (got '${given}')`;
  return `${key}: ${message}${shown}`;
}

function dedupe(items: string[]): string[] {
  return [...new Set(items)];
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
