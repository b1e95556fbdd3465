import { randomUUID } from 'node:crypto';

import type { ArmStandIn, ExtraRoute, StandInSend } from './armStandIn';

/**
 * What a stamp looks like from outside on Azure, served next to the ARM stand-in: the AKS run
 * command (`POST …/runCommand` → 202 with `Location: …/commandResults/{id}`; the result answers
 * 202 until it is done, then 200), diagnostic settings, Flux configurations (DELETE → 202, then
 * `Deleting`, then 404), disks, Azure Monitor's metrics API (`{resource}/providers/Microsoft.Insights/metrics`) and the
 * Logs query API (`/v1{resourceId}/query`), each in its documented shape:
 * https://learn.microsoft.com/rest/api/aks/managed-clusters/run-command
 * https://learn.microsoft.com/rest/api/monitor/diagnostic-settings
 * https://learn.microsoft.com/rest/api/kubernetesconfiguration/flux-configurations
 * https://learn.microsoft.com/rest/api/monitor/metrics/list
 * https://learn.microsoft.com/rest/api/loganalytics/dataaccess/query/resource-execute
 */
export interface PersistentVolumeFixture {
  readonly name: string;
  readonly reclaimPolicy: 'Retain' | 'Delete';
  /** An Azure disk's resource ID (driver disk.csi.azure.com). */
  readonly diskId: string;
}

export interface StampStandIn {
  /** Clusters that exist, by resource ID (lower case). */
  readonly clusters: Set<string>;
  readonly volumes: PersistentVolumeFixture[];
  /** Disks that exist, by resource ID (lower case). */
  readonly disks: Set<string>;
  /** Diagnostic settings per resource (lower case): name → workspace. */
  readonly diagnosticSettings: Map<string, Map<string, { workspaceId: string; logs: unknown[] }>>;
  /** Flux configurations per cluster (lower case): name → state. */
  readonly fluxConfigurations: Map<
    string,
    Map<string, { state: 'Succeeded' | 'Deleting'; getsLeft: number }>
  >;
  /** GETs of a deleting configuration before it is gone (default 1). */
  fluxDeletionGets: number;
  /** Result polls of a run command before it is done (default 1). */
  commandPolls: number;
  /** The run command's exit code (default 0). */
  commandExitCode: number;
  /** The Front Door profile's OriginRequestCount per origin host, per minute (ISO minute → count). */
  readonly originRequests: Map<string, Map<string, number>>;
  /** Of those, the requests answered 5xx, per origin host, per minute. */
  readonly originErrors: Map<string, Map<string, number>>;
  /** OriginLatency (Average, ms) per origin host, per minute. */
  readonly originLatency: Map<string, Map<string, number>>;
  /**
   * Platform metrics of a stamp's own resources: `{resource id lower case}|{metric}` → minute → value
   * (answered as `average` or `total`, the aggregation asked for).
   */
  readonly resourceMetrics: Map<string, Map<string, number>>;
  /** The latest log time per resource (lower case) that the Logs query finds. */
  readonly lastLogAt: Map<string, string>;
}

const CLUSTER =
  /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ContainerService\/managedClusters\/[^/]+)/i;
const RUN_COMMAND = /^(.+)\/runCommand$/i;
const COMMAND_RESULT = /^(.+)\/commandResults\/([^/]+)$/i;
const DIAGNOSTIC_SETTINGS = /^(.+)\/providers\/Microsoft\.Insights\/diagnosticSettings(?:\/([^/]+))?$/i;
const FLUX = /^(.+)\/providers\/Microsoft\.KubernetesConfiguration\/fluxConfigurations\/([^/]+)$/i;
const DISK = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Compute\/disks\/[^/]+$/i;
const METRICS = /^(\/subscriptions\/.+)\/providers\/Microsoft\.Insights\/metrics$/i;
const LOGS_QUERY = /^\/v1(\/subscriptions\/.+)\/query$/i;

export function addStampStandIn(arm: ArmStandIn): StampStandIn {
  const commands = new Map<string, { pollsLeft: number; cluster: string }>();
  const stand: StampStandIn = {
    clusters: new Set(),
    volumes: [],
    disks: new Set(),
    diagnosticSettings: new Map(),
    fluxConfigurations: new Map(),
    fluxDeletionGets: 1,
    commandPolls: 1,
    commandExitCode: 0,
    originRequests: new Map(),
    originErrors: new Map(),
    originLatency: new Map(),
    resourceMetrics: new Map(),
    lastLogAt: new Map(),
  };
  const notFound = (send: StandInSend, what: string) =>
    send(404, { error: { code: 'ResourceNotFound', message: `${what} was not found.` } });

  const route: ExtraRoute = (method, url, body, send) => {
    const path = decodeURIComponent(url.pathname);
    let match: RegExpExecArray | null;
    if ((match = RUN_COMMAND.exec(path)) !== null && CLUSTER.test(path) && method === 'POST') {
      const cluster = (match[1] ?? '').toLowerCase();
      if (!stand.clusters.has(cluster)) return (notFound(send, match[1] ?? ''), true);
      const payload = body as { command?: string; clusterToken?: string };
      if (payload.command === undefined) {
        send(400, { error: { code: 'InvalidParameter', message: 'command is required' } });
        return true;
      }
      const id = randomUUID().replace(/-/g, '');
      commands.set(id, { pollsLeft: stand.commandPolls, cluster });
      send(202, undefined, {
        location: `${arm.endpoint}${(match[1] ?? '').slice(1)}/commandResults/${id}?api-version=${url.searchParams.get('api-version') ?? ''}`,
      });
      return true;
    }
    if ((match = COMMAND_RESULT.exec(path)) !== null && method === 'GET') {
      const command = commands.get(match[2] ?? '');
      if (command === undefined) return (notFound(send, `command ${match[2] ?? ''}`), true);
      if (command.pollsLeft > 0) {
        command.pollsLeft -= 1;
        send(202, undefined, { location: url.href.replace('https://stand-in/', arm.endpoint) });
        return true;
      }
      const items = stand.volumes.map((v) => ({
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name: v.name },
        spec: {
          persistentVolumeReclaimPolicy: v.reclaimPolicy,
          csi: { driver: 'disk.csi.azure.com', volumeHandle: v.diskId },
        },
      }));
      send(200, {
        id: match[2],
        properties: {
          provisioningState: 'Succeeded',
          exitCode: stand.commandExitCode,
          startedAt: new Date().toISOString(),
          finishedAt: new Date().toISOString(),
          logs: JSON.stringify({ apiVersion: 'v1', kind: 'List', items }),
        },
      });
      return true;
    }
    if ((match = DIAGNOSTIC_SETTINGS.exec(path)) !== null) {
      const resource = (match[1] ?? '').toLowerCase();
      if (!stand.clusters.has(resource)) return (notFound(send, match[1] ?? ''), true);
      const settings =
        stand.diagnosticSettings.get(resource) ?? new Map<string, { workspaceId: string; logs: unknown[] }>();
      stand.diagnosticSettings.set(resource, settings);
      if (method === 'GET' && match[2] === undefined) {
        send(200, {
          value: [...settings].map(([name, s]) => ({
            id: `${match?.[1] ?? ''}/providers/microsoft.insights/diagnosticSettings/${name}`,
            name,
            type: 'Microsoft.Insights/diagnosticSettings',
            properties: { workspaceId: s.workspaceId, logs: s.logs, metrics: [] },
          })),
        });
        return true;
      }
      if (method === 'PUT' && match[2] !== undefined) {
        const props = (body as { properties?: { workspaceId?: string; logs?: unknown[] } }).properties ?? {};
        settings.set(match[2], { workspaceId: props.workspaceId ?? '', logs: props.logs ?? [] });
        send(200, { name: match[2], properties: props });
        return true;
      }
      return false;
    }
    if ((match = FLUX.exec(path)) !== null) {
      const cluster = (match[1] ?? '').toLowerCase();
      const name = match[2] ?? '';
      const config = stand.fluxConfigurations.get(cluster)?.get(name);
      if (config === undefined) return (notFound(send, `fluxConfiguration ${name}`), true);
      if (method === 'DELETE') {
        if (config.state !== 'Deleting')
          Object.assign(config, { state: 'Deleting', getsLeft: stand.fluxDeletionGets });
        send(202, undefined, { location: `${arm.endpoint}${path.slice(1)}?api-version=2023-05-01` });
        return true;
      }
      if (method === 'GET') {
        if (config.state === 'Deleting' && config.getsLeft <= 0) {
          stand.fluxConfigurations.get(cluster)?.delete(name);
          return (notFound(send, `fluxConfiguration ${name}`), true);
        }
        if (config.state === 'Deleting') config.getsLeft -= 1;
        send(200, {
          name,
          type: 'Microsoft.KubernetesConfiguration/fluxConfigurations',
          properties: { provisioningState: config.state, scope: 'cluster' },
        });
        return true;
      }
      return false;
    }
    if (DISK.test(path) && method === 'GET') {
      if (!stand.disks.has(path.toLowerCase())) return (notFound(send, path), true);
      send(200, { id: path, type: 'Microsoft.Compute/disks', properties: { diskState: 'Unattached' } });
      return true;
    }
    if ((match = METRICS.exec(path)) !== null && method === 'GET') {
      const name = url.searchParams.get('metricnames') ?? 'OriginRequestCount';
      const filter = url.searchParams.get('$filter') ?? '';
      // OriginLatency has no HttpStatusGroup dimension: Azure Monitor refuses a filter on it.
      if (name === 'OriginLatency' && /HttpStatusGroup/i.test(filter)) {
        send(400, {
          code: 'BadRequest',
          message: 'Metric: OriginLatency does not support requested dimension combination: httpstatusgroup',
        });
        return true;
      }
      const namespace = url.searchParams.get('metricnamespace') ?? '';
      const resource = RESOURCE_METRICS[namespace.toLowerCase()];
      if (resource !== undefined) {
        const aggregation = url.searchParams.get('aggregation') ?? '';
        const allowed = resource[name];
        if (allowed === undefined || !allowed.includes(aggregation)) {
          send(400, {
            code: 'BadRequest',
            message: `Failed to find metric configuration for provider: ${namespace}, metric: ${name}, aggregation: ${aggregation}`,
          });
          return true;
        }
        send(200, resourceMetrics(url, match[1] ?? '', stand));
        return true;
      }
      send(200, metrics(url, match[1] ?? '', stand));
      return true;
    }
    if ((match = LOGS_QUERY.exec(path)) !== null && method === 'POST') {
      const last = stand.lastLogAt.get((match[1] ?? '').toLowerCase());
      send(200, {
        tables: [
          { name: 'PrimaryResult', columns: [{ name: 'last', type: 'datetime' }], rows: [[last ?? null]] },
        ],
      });
      return true;
    }
    return false;
  };
  arm.extraRoutes.push(route);
  return stand;
}

/**
 * The platform metrics of a stamp's resources the stand-in answers, with the aggregations their
 * references list: AKS `node_cpu_usage_percentage` and Service Bus `ActiveMessages` take Average,
 * Minimum or Maximum, not Total; Cosmos DB `TotalRequestUnits` Total (and Count)
 * (https://learn.microsoft.com/azure/azure-monitor/reference/supported-metrics/microsoft-containerservice-managedclusters-metrics,
 * https://learn.microsoft.com/azure/azure-monitor/reference/supported-metrics/microsoft-servicebus-namespaces-metrics,
 * https://learn.microsoft.com/azure/cosmos-db/monitor-reference). Another metric is a 400.
 */
const RESOURCE_METRICS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  'microsoft.containerservice/managedclusters': {
    node_cpu_usage_percentage: ['Average', 'Minimum', 'Maximum'],
  },
  'microsoft.servicebus/namespaces': { ActiveMessages: ['Average', 'Minimum', 'Maximum'] },
  'microsoft.documentdb/databaseaccounts': { TotalRequestUnits: ['Total', 'Count'] },
};

/** One series per resource metric, a point per interval of the timespan (empty where nothing was recorded). */
function resourceMetrics(url: URL, resourceUri: string, stand: StampStandIn): unknown {
  const name = url.searchParams.get('metricnames') ?? '';
  const aggregation = (url.searchParams.get('aggregation') ?? '').toLowerCase();
  const [from = '', to = ''] = (url.searchParams.get('timespan') ?? '').split('/');
  const step = Number(/^PT(\d+)M$/.exec(url.searchParams.get('interval') ?? 'PT1M')?.[1] ?? '1') * 60_000;
  const recorded =
    stand.resourceMetrics.get(`${resourceUri.toLowerCase()}|${name}`) ?? new Map<string, number>();
  const data: Record<string, unknown>[] = [];
  for (let t = Date.parse(from); t < Date.parse(to); t += step) {
    const at = new Date(t).toISOString();
    const value = recorded.get(at);
    data.push(value === undefined ? { timeStamp: at } : { timeStamp: at, [aggregation]: value });
  }
  return {
    timespan: url.searchParams.get('timespan'),
    interval: url.searchParams.get('interval'),
    value: [
      {
        id: `${resourceUri}/providers/Microsoft.Insights/metrics/${name}`,
        type: 'Microsoft.Insights/metrics',
        name: { value: name, localizedValue: name },
        timeseries: [{ metadatavalues: [], data }],
        errorCode: 'Success',
      },
    ],
  };
}

/**
 * The metrics answer, per minute of the timespan, for the origins the filter names:
 * OriginRequestCount (Total; split by HttpStatusGroup when the filter asks `HttpStatusGroup eq
 * '*'`) or OriginLatency (Average).
 */
function metrics(url: URL, resourceUri: string, stand: StampStandIn): unknown {
  const name = url.searchParams.get('metricnames') ?? 'OriginRequestCount';
  const [from = '', to = ''] = (url.searchParams.get('timespan') ?? '').split('/');
  const start = Date.parse(from);
  const end = Date.parse(to);
  // `Origin eq 'a' or Origin eq 'b'` selects origins; `Origin eq '*'` splits by all of them. With
  // a filter the API answers at most `top` series (default 10), busiest first.
  const wanted = [...(url.searchParams.get('$filter') ?? '').matchAll(/Origin eq '([^']*)'/gi)].map(
    (m) => m[1] ?? '',
  );
  const top = Number(url.searchParams.get('top') ?? '10');
  const volume = (host: string) =>
    [...(stand.originRequests.get(host)?.values() ?? [])].reduce((a, b) => a + b, 0);
  const hosts = [...stand.originRequests.keys()]
    .filter((h) => wanted.includes('*') || wanted.includes(h))
    .sort((a, b) => volume(b) - volume(a))
    .slice(0, top);
  const byStatus = /HttpStatusGroup eq '\*'/i.test(url.searchParams.get('$filter') ?? '');
  const minutes = (): string[] => {
    const list: string[] = [];
    for (let t = start; t < end; t += 60_000) list.push(new Date(t).toISOString());
    return list;
  };
  const originValue = (host: string) => ({
    name: { value: 'origin', localizedValue: 'Origin' },
    value: host,
  });
  const timeseries = hosts.flatMap((host) => {
    const requests = stand.originRequests.get(host) ?? new Map<string, number>();
    const errors = stand.originErrors.get(host) ?? new Map<string, number>();
    if (name === 'OriginLatency') {
      const latency = stand.originLatency.get(host) ?? new Map<string, number>();
      // A minute without requests has no average.
      const data = minutes().map((at) =>
        latency.has(at) ? { timeStamp: at, average: latency.get(at) } : { timeStamp: at },
      );
      return [{ metadatavalues: [originValue(host)], data }];
    }
    if (!byStatus)
      return [
        {
          metadatavalues: [originValue(host)],
          data: minutes().map((at) => ({ timeStamp: at, total: requests.get(at) ?? 0 })),
        },
      ];
    const group = (value: string, count: (at: string) => number) => ({
      metadatavalues: [
        originValue(host),
        { name: { value: 'httpstatusgroup', localizedValue: 'HttpStatusGroup' }, value },
      ],
      data: minutes().map((at) => ({ timeStamp: at, total: count(at) })),
    });
    return [
      group('2XX', (at) => (requests.get(at) ?? 0) - (errors.get(at) ?? 0)),
      group('5XX', (at) => errors.get(at) ?? 0),
    ];
  });
  return {
    cost: 0,
    timespan: url.searchParams.get('timespan'),
    interval: url.searchParams.get('interval') ?? 'PT1M',
    namespace: url.searchParams.get('metricnamespace') ?? '',
    resourceregion: 'global',
    value: [
      {
        id: `${resourceUri}/providers/Microsoft.Insights/metrics/${name}`,
        type: 'Microsoft.Insights/metrics',
        name: { value: name, localizedValue: name },
        displayDescription:
          name === 'OriginLatency'
            ? 'The time from the edge sending the request to the last response byte.'
            : 'The number of requests sent from Front Door to origins.',
        unit: name === 'OriginLatency' ? 'MilliSeconds' : 'Count',
        timeseries,
        errorCode: 'Success',
      },
    ],
  };
}
