import { TerminalError } from '../../errors';
import type { CheckResult } from '../../lifecycle/stamp';
import { armJson } from '../armRest';
import type { ArmResourcesClient } from '../deployer';
import { mapAzureError, statusOf } from '../errors';

/**
 * Diagnostic settings of a resource (`{resourceUri}/providers/Microsoft.Insights/diagnosticSettings`,
 * api-version 2021-05-01-preview, the first with `categoryGroup`); `armDiagnosticSettings` makes
 * them through the ARM client's pipeline.
 * https://learn.microsoft.com/rest/api/monitor/diagnostic-settings
 */
export interface DiagnosticSettingsClient {
  list(resourceUri: string): Promise<{ readonly value?: readonly DiagnosticSetting[] }>;
  createOrUpdate(resourceUri: string, name: string, parameters: DiagnosticSetting): Promise<unknown>;
}

export interface DiagnosticSetting {
  readonly name?: string;
  readonly workspaceId?: string;
  readonly logs?: readonly {
    readonly category?: string;
    readonly categoryGroup?: string;
    readonly enabled: boolean;
  }[];
  readonly metrics?: readonly { readonly category?: string; readonly enabled: boolean }[];
}

/** The setting this control plane adds when a stamp's cluster sends nothing to the global workspace. */
export const PRESERVE_SETTING = 'stamps-preserve-to-global';

function sendsTo(setting: DiagnosticSetting, workspaceId: string): boolean {
  return (
    setting.workspaceId?.toLowerCase() === workspaceId.toLowerCase() &&
    (setting.logs ?? []).some((log) => log.enabled)
  );
}

/**
 * The cluster's diagnostic settings that send its logs to the global Log Analytics workspace,
 * which outlives the stamp: reading them is the quarantine check, and preserving diagnostics
 * makes sure one exists (adding `stamps-preserve-to-global`, all logs and metrics, if none does)
 * so the stamp's logs stay after its resource group is deleted.
 */
export function createDiagnostics(options: {
  readonly client: () => Promise<DiagnosticSettingsClient>;
  readonly workspaceId: string;
}) {
  const { workspaceId } = options;
  async function settings(clusterId: string): Promise<readonly DiagnosticSetting[]> {
    try {
      return (await (await options.client()).list(clusterId)).value ?? [];
    } catch (error) {
      if (statusOf(error) === 404)
        throw new TerminalError(
          `the cluster ${clusterId} does not exist; its diagnostics cannot be read`,
          'ClusterNotFound',
          { cause: error },
        );
      throw mapAzureError(error, `reading the diagnostic settings of ${clusterId}`);
    }
  }
  return {
    async check(clusterId: string): Promise<CheckResult> {
      const found = (await settings(clusterId)).filter((setting) => sendsTo(setting, workspaceId));
      return found.length > 0
        ? {
            name: 'diagnostic-settings',
            passed: true,
            detail: `${found.map((s) => s.name ?? '?').join(', ')} send the cluster's logs to ${workspaceId}`,
          }
        : {
            name: 'diagnostic-settings',
            passed: false,
            detail: `no diagnostic setting of the cluster sends its logs to ${workspaceId}`,
          };
    },
    async preserve(clusterId: string): Promise<{ readonly location: string }> {
      const found = (await settings(clusterId)).find((setting) => sendsTo(setting, workspaceId));
      if (found === undefined) {
        try {
          await (
            await options.client()
          ).createOrUpdate(clusterId, PRESERVE_SETTING, {
            workspaceId,
            logs: [{ categoryGroup: 'allLogs', enabled: true }],
            metrics: [{ category: 'AllMetrics', enabled: true }],
          });
        } catch (error) {
          throw mapAzureError(error, `adding a diagnostic setting to ${clusterId}`);
        }
      }
      return {
        location: `${workspaceId} (diagnostic setting ${found?.name ?? PRESERVE_SETTING} of ${clusterId})`,
      };
    },
  };
}

export const DIAGNOSTIC_SETTINGS_API_VERSION = '2021-05-01-preview';

interface SettingResource {
  readonly name?: string;
  readonly properties?: Omit<DiagnosticSetting, 'name'>;
}

export function armDiagnosticSettings(
  client: Pick<ArmResourcesClient, 'sendRequest'>,
  armEndpoint: string | undefined,
): DiagnosticSettingsClient {
  const path = (resourceUri: string) => `${resourceUri}/providers/Microsoft.Insights/diagnosticSettings`;
  return {
    async list(resourceUri) {
      const body = (await armJson(client, armEndpoint, {
        method: 'GET',
        path: path(resourceUri),
        apiVersion: DIAGNOSTIC_SETTINGS_API_VERSION,
      })) as { value?: SettingResource[] } | undefined;
      return {
        value: (body?.value ?? []).map((r) => ({
          ...r.properties,
          ...(r.name === undefined ? {} : { name: r.name }),
        })),
      };
    },
    async createOrUpdate(resourceUri, name, parameters) {
      return armJson(client, armEndpoint, {
        method: 'PUT',
        path: `${path(resourceUri)}/${encodeURIComponent(name)}`,
        apiVersion: DIAGNOSTIC_SETTINGS_API_VERSION,
        body: { properties: parameters },
      });
    },
  };
}
