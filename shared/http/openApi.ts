import { z } from 'zod';

import {
  createStampBody,
  desiredBody,
  eventsQuery,
  incidentsQuery,
  metricsQuery,
  operatorCommandBody,
  signalsQuery,
} from '../app/requests';
import { COMMAND_ROLES } from '../auth/commandRoles';
import type { StampRole } from '../auth/roles';
import { commonAlertSchema } from '../lifecycle/alerts/commonAlertSchema';
import { OPERATOR_COMMAND_NAMES, OPERATOR_COMMANDS } from '../lifecycle/operatorCommands';

/** Who may call a route: an app role, any signed-in principal, or the alert senders. */
type Access = StampRole | 'signed-in' | 'alert-sender';

/** One documented route: the same method and route the function registers (`stamps/{id}`). */
export interface DocumentedRoute {
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly route: string;
  readonly summary: string;
  readonly access: Access;
  readonly body?: z.ZodType;
  /** The query parameters a GET takes, validated by this schema. */
  readonly query?: z.ZodObject;
  /** Takes `?dryRun=true` (every route that changes something). */
  readonly dryRun?: boolean;
  readonly example?: unknown;
}

/** A Fired health alert in the common alert schema, as the action group sends it. */
export const SAMPLE_ALERT = {
  schemaId: 'azureMonitorCommonAlertSchema',
  data: {
    essentials: {
      alertId:
        '/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.AlertsManagement/alerts/00000000-0000-0000-0000-00000000a1e7',
      alertRule: 'stamp-weu-001-origin-health',
      severity: 'Sev1',
      signalType: 'Metric',
      monitorCondition: 'Fired',
      monitoringService: 'Platform',
      alertTargetIDs: [
        '/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg-synaxis-global/providers/microsoft.cdn/profiles/synaxis-fd',
      ],
      configurationItems: ['synaxis-fd'],
      originAlertId: '00000000-0000-0000-0000-00000000a1e7',
      firedDateTime: '2026-06-01T12:00:00.000Z',
      description: 'Origin health of weu-001 below 50%',
      essentialsVersion: '1.0',
      alertContextVersion: '1.0',
    },
    alertContext: {
      conditionType: 'SingleResourceMultipleMetricCriteria',
      condition: {
        windowSize: 'PT5M',
        allOf: [
          {
            metricName: 'OriginHealthPercentage',
            metricNamespace: 'Microsoft.Cdn/profiles',
            operator: 'LessThan',
            threshold: '50',
            timeAggregation: 'Average',
            dimensions: [{ name: 'Origin', value: 'weu-001' }],
            metricValue: 0,
          },
        ],
      },
    },
    customProperties: {},
  },
} as const;

const commandRoutes: DocumentedRoute[] = OPERATOR_COMMAND_NAMES.map((command) => ({
  method: 'POST',
  route: `stamps/{id}/${command}`,
  summary: OPERATOR_COMMANDS[command].summary,
  access: COMMAND_ROLES[command],
  body: operatorCommandBody(command),
  dryRun: true,
}));

/**
 * Every HTTP route of the API, documented from the same zod schemas that validate its requests.
 * A test compares this table with the routes the function app registers, both ways.
 */
export const API_ROUTES: readonly DocumentedRoute[] = [
  {
    method: 'GET',
    route: 'stamps',
    summary: 'the fleet, paged, filtered by region and phase',
    access: 'Stamps.Reader',
  },
  {
    method: 'POST',
    route: 'stamps',
    summary: 'request a new stamp (202 with Location; 409 when no region has capacity)',
    access: 'Stamps.Operator',
    body: createStampBody,
    dryRun: true,
  },
  {
    method: 'GET',
    route: 'stamps/{id}',
    summary: 'one stamp with its audit history',
    access: 'Stamps.Reader',
  },
  {
    method: 'GET',
    route: 'stamps/{id}/history',
    summary: "a stamp's audit records",
    access: 'Stamps.Reader',
  },
  {
    method: 'GET',
    route: 'stamps/{id}/archive',
    summary: "a retired stamp's immutable archive, verified",
    access: 'Stamps.Reader',
  },
  ...commandRoutes,
  {
    method: 'GET',
    route: 'regions',
    summary: 'capacity per region: desired, serving, spares, what holds it',
    access: 'Stamps.Reader',
  },
  {
    method: 'GET',
    route: 'regions/{name}',
    summary: 'one region with its stamps and desired-count trail',
    access: 'Stamps.Reader',
  },
  {
    method: 'PUT',
    route: 'regions/{name}',
    summary: "set a region's desired stamp count",
    access: 'Stamps.Operator',
    body: desiredBody,
    dryRun: true,
  },
  {
    method: 'POST',
    route: 'alerts',
    summary:
      "Azure Monitor's alert receiver (common alert schema): the action group's secure-webhook token or x-stamps-alert-key",
    access: 'alert-sender',
    body: commonAlertSchema,
    dryRun: true,
    example: SAMPLE_ALERT,
  },
  {
    method: 'GET',
    route: 'signals',
    summary: 'what was done with each recent alert and signal',
    access: 'Stamps.Reader',
    query: signalsQuery,
  },
  {
    method: 'GET',
    route: 'incidents',
    summary: 'the incidents raised (blast radius, failed deployment, …), newest first',
    access: 'Stamps.Reader',
    query: incidentsQuery,
  },
  {
    method: 'GET',
    route: 'metrics',
    summary: 'request latency, 5xx share, requests, node pool CPU, queue depth and RU per stamp and region',
    access: 'Stamps.Reader',
    query: metricsQuery,
  },
  {
    method: 'GET',
    route: 'events',
    summary:
      'live updates as server-sent events (text/event-stream): a `fleet` event when the fleet changed since Last-Event-ID',
    access: 'Stamps.Reader',
    query: eventsQuery,
  },
  { method: 'GET', route: 'me', summary: 'who is signed in and what they may do', access: 'signed-in' },
  { method: 'GET', route: 'dashboard', summary: 'the dashboard page (HTML)', access: 'signed-in' },
  { method: 'GET', route: 'openapi.json', summary: 'this document', access: 'signed-in' },
];

const problem = {
  description: 'a problem (RFC 9457): what went wrong and what to do',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};

function queryParameters(query: z.ZodObject | undefined): Record<string, unknown>[] {
  if (query === undefined) return [];
  const schema = z.toJSONSchema(query, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, unknown>;
  };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: false,
    schema: property,
  }));
}

function schemaName(route: DocumentedRoute): string {
  return `${route.method}_${route.route.replace(/[{}]/g, '').replace(/[/.]/g, '_')}`;
}

/** The OpenAPI 3.1 document of the API (its schemas JSON Schema 2020-12, from zod). */
export function openApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const schemas: Record<string, unknown> = {
    Problem: {
      type: 'object',
      // RFC 9457's members, plus the guard that refused a 409.
      properties: {
        ...Object.fromEntries(['type', 'title', 'detail', 'instance'].map((k) => [k, { type: 'string' }])),
        status: { type: 'integer' },
        guard: { type: 'string', description: 'the guard that refused, on a 409' },
      },
    },
  };
  for (const r of API_ROUTES) {
    const path = `/api/${r.route}`;
    const parameters = [
      ...[...r.route.matchAll(/\{(\w+)\}/g)].map((m) => ({
        name: m[1],
        in: 'path',
        required: true,
        schema: { type: 'string' },
      })),
      ...(r.dryRun === true
        ? [
            {
              name: 'dryRun',
              in: 'query',
              required: false,
              description: 'true: decide as the real call and answer what would happen, changing nothing',
              schema: { type: 'boolean' },
            },
          ]
        : []),
      ...queryParameters(r.query),
    ];
    const name = schemaName(r);
    if (r.body !== undefined) schemas[name] = z.toJSONSchema(r.body, { io: 'input', unrepresentable: 'any' });
    paths[path] = {
      ...paths[path],
      [r.method.toLowerCase()]: {
        summary: r.summary,
        'x-stamps-access': r.access,
        ...(parameters.length === 0 ? {} : { parameters }),
        ...(r.body === undefined
          ? {}
          : {
              requestBody: {
                required: true,
                content: {
                  'application/json': {
                    schema: { $ref: `#/components/schemas/${name}` },
                    ...(r.example === undefined ? {} : { example: r.example }),
                  },
                },
              },
            }),
        responses: {
          [r.method === 'GET' ? '200' : '202']: { description: 'done (a dry run answers 200)' },
          '400': problem,
          '401': problem,
          '403': problem,
          ...(r.method === 'GET' ? { '404': problem } : { '409': problem }),
          '503': problem,
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Synaxis Stamps control plane',
      version,
      description:
        'The lifecycle of deployment stamps. Every route needs a principal signed in by App Service authentication (Entra ID) holding the role in x-stamps-access.',
    },
    servers: [{ url: '/' }],
    paths,
    components: { schemas },
  };
}
