import { TerminalError } from '../../errors';
import type { CheckResult } from '../../lifecycle/stamp';
import type { Clock } from '../../ports/clock';
import type { OperationProgress, QuarantineCheckRun, QuarantineVerdict } from '../../ports/stampOperations';
import { mapAzureError, statusOf } from '../errors';
import type { createDiagnostics } from './diagnostics';
import { type StampResources, stampResources } from './stampResources';

/** The AKS run command calls of `@azure/arm-containerservice` 24.1.0 (api-version 2025-xx). */
export interface RunCommandClient {
  beginRunCommand(
    resourceGroupName: string,
    resourceName: string,
    requestPayload: { command: string; clusterToken?: string },
    options: { onResponse: (response: RawResponse) => void; updateIntervalInMs?: number },
  ): Promise<unknown>;
  getCommandResult(
    resourceGroupName: string,
    resourceName: string,
    commandId: string,
  ): Promise<CommandResult>;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: { get(name: string): string | undefined };
  readonly parsedBody?: unknown;
}

export interface CommandResult {
  readonly id?: string;
  readonly provisioningState?: string;
  readonly exitCode?: number;
  readonly logs?: string;
  readonly reason?: string;
}

/** `resources.getById` of `@azure/arm-resources`: a disk's existence. */
export interface ResourceReader {
  getById(resourceId: string, apiVersion: string): Promise<unknown>;
}

/** `LogsQueryClient.queryResource` of `@azure/monitor-query-logs` 1.0.0, as used here. */
export interface LogsReader {
  queryResource(
    resourceId: string,
    query: string,
    timespan: { startTime: Date; endTime: Date },
  ): Promise<{
    readonly status: string;
    readonly tables?: readonly {
      readonly columnDescriptors: readonly { readonly name?: string }[];
      readonly rows: readonly unknown[][];
    }[];
  }>;
}

export interface QuarantineCheckOptions {
  readonly subscriptionId: string;
  readonly runCommands: () => Promise<RunCommandClient>;
  readonly resources: () => Promise<ResourceReader>;
  readonly logs: () => Promise<LogsReader>;
  readonly diagnostics: ReturnType<typeof createDiagnostics>;
  /** A token the cluster's API server accepts (Entra ID, the AKS server application's audience). */
  readonly clusterToken: () => Promise<string>;
  readonly clock: Pick<Clock, 'now'>;
  /** How long after leaving rotation the logs of that moment may still be arriving; default 15 min. */
  readonly logIngestionMinutes?: number;
}

/** What the run command asks the cluster: every persistent volume, as JSON. */
export const LIST_VOLUMES = 'kubectl get persistentvolumes -o json';
const DISK_API_VERSION = '2024-03-02';
const MINUTE = 60_000;

/**
 * The quarantine checks on Azure. The start is an AKS run command (`kubectl get persistentvolumes`
 * in a pod AKS starts in the cluster, which works on a private cluster), and its id is the run's
 * id. Reading it polls the command's result; once it has one, the other checks run in the same
 * call and all four are answered, each named with its detail:
 * - `cluster-answers`: the command ran (exit code 0);
 * - `persistent-volumes`: every volume's reclaim policy is `Retain` (deleting the workloads keeps
 *   the disk) and every Azure disk behind one exists;
 * - `diagnostic-settings`: the cluster's logs go to the global Log Analytics workspace;
 * - `logs-until-isolation`: the workspace holds the cluster's logs from the moment the stamp left
 *   rotation on (a Logs query); until that moment is `logIngestionMinutes` old, a miss waits.
 */
export function createQuarantineChecks(options: QuarantineCheckOptions) {
  const ingestion = (options.logIngestionMinutes ?? 15) * MINUTE;

  async function volumesCheck(result: CommandResult): Promise<CheckResult> {
    const name = 'persistent-volumes';
    let items: readonly PersistentVolume[];
    try {
      items = (JSON.parse(result.logs ?? '') as { items?: PersistentVolume[] }).items ?? [];
    } catch {
      return { name, passed: false, detail: 'the cluster did not answer the volume list as JSON' };
    }
    if (items.length === 0) return { name, passed: true, detail: 'the cluster has no persistent volumes' };
    const deleted = items.filter((pv) => pv.spec?.persistentVolumeReclaimPolicy !== 'Retain');
    const disks = items
      .map((pv) => pv.spec?.csi?.volumeHandle)
      .filter((h): h is string => h?.startsWith('/subscriptions/') === true);
    const missing: string[] = [];
    for (const disk of disks) {
      try {
        // As with the Logs path: `/{resourceId}` with the id's own leading slash is `//subscriptions/…`,
        // which the client's URL builder reads as a host (seen against the stand-in).
        await (await options.resources()).getById(disk.replace(/^\/+/, ''), DISK_API_VERSION);
      } catch (error) {
        if (statusOf(error) !== 404) throw mapAzureError(error, `reading the disk ${disk}`);
        missing.push(disk);
      }
    }
    const problems = [
      ...deleted.map(
        (pv) =>
          `${pv.metadata?.name ?? '?'} would be deleted with its claim (reclaim policy ${pv.spec?.persistentVolumeReclaimPolicy ?? 'unset'})`,
      ),
      ...missing.map((disk) => `disk ${disk} does not exist`),
    ];
    return problems.length === 0
      ? { name, passed: true, detail: `${items.length} volume(s) retained, ${disks.length} disk(s) exist` }
      : { name, passed: false, detail: problems.join('; ') };
  }

  async function logsCheck(where: StampResources, leftRotationAt: string): Promise<CheckResult | 'wait'> {
    const name = 'logs-until-isolation';
    const since = Date.parse(leftRotationAt);
    // isfuzzy: a table that does not exist (Container Insights off, resource-specific diagnostics) is
    // skipped instead of failing the query.
    const query =
      'union isfuzzy=true KubePodInventory, AzureDiagnostics | summarize last = max(TimeGenerated)';
    let answer: Awaited<ReturnType<LogsReader['queryResource']>>;
    try {
      const logs = await options.logs();
      // The SDK puts the id after `/v1/` as given: without its leading slash the path is the
      // documented `/v1/subscriptions/…/query`; with it, `/v1//subscriptions/…`.
      answer = await logs.queryResource(where.clusterId.replace(/^\/+/, ''), query, {
        startTime: new Date(since - 60 * MINUTE),
        endTime: options.clock.now(),
      });
    } catch (error) {
      throw mapAzureError(error, `querying the logs of ${where.clusterId}`);
    }
    const value = answer.tables?.[0]?.rows[0]?.[0];
    const last =
      value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : Number.NaN;
    if (answer.status === 'Success' && !Number.isNaN(last) && last >= since)
      return {
        name,
        passed: true,
        detail: `logs until ${new Date(last).toISOString()}, after it left rotation at ${leftRotationAt}`,
      };
    if (options.clock.now().getTime() < since + ingestion) return 'wait';
    const seen = Number.isNaN(last)
      ? 'no logs in the hour before'
      : `the last log is from ${new Date(last).toISOString()}`;
    return {
      name,
      passed: false,
      detail: `${seen}; the stamp left rotation at ${leftRotationAt} (query status ${answer.status})`,
    };
  }

  return {
    async start(run: QuarantineCheckRun): Promise<{ readonly runId: string }> {
      const where = stampResources(options.subscriptionId, run.stampId);
      let first: RawResponse | undefined;
      try {
        await (
          await options.runCommands()
        ).beginRunCommand(
          where.resourceGroup,
          where.clusterName,
          { command: LIST_VOLUMES, clusterToken: await options.clusterToken() },
          { onResponse: (response) => (first ??= response) },
        );
      } catch (error) {
        throw mapAzureError(error, `starting the quarantine checks of ${run.stampId} (AKS run command)`);
      }
      const runId = commandIdOf(first);
      if (runId === undefined)
        throw new TerminalError(
          `the AKS run command of ${run.stampId} answered no command id`,
          'NoCommandId',
        );
      return { runId };
    },

    async get(
      run: QuarantineCheckRun & { readonly runId: string },
    ): Promise<OperationProgress<QuarantineVerdict>> {
      const where = stampResources(options.subscriptionId, run.stampId);
      let result: CommandResult;
      try {
        result = await (
          await options.runCommands()
        ).getCommandResult(where.resourceGroup, where.clusterName, run.runId);
      } catch (error) {
        throw mapAzureError(error, `reading the quarantine checks of ${run.stampId}`);
      }
      const state = result.provisioningState;
      if (state !== 'Succeeded' && state !== 'Failed') return { state: 'Running' };
      const answered = state === 'Succeeded' && result.exitCode === 0;
      const cluster: CheckResult = answered
        ? { name: 'cluster-answers', passed: true, detail: 'the cluster ran the check command (exit code 0)' }
        : {
            name: 'cluster-answers',
            passed: false,
            detail: `the check command ${state === 'Failed' ? 'failed' : `exited ${result.exitCode ?? '?'}`}: ${result.reason ?? result.logs?.slice(0, 300) ?? ''}`,
          };
      const volumes = answered
        ? await volumesCheck(result)
        : { name: 'persistent-volumes', passed: false, detail: 'not checked: the cluster did not answer' };
      const logs = await logsCheck(where, run.leftRotationAt);
      if (logs === 'wait') return { state: 'Running' };
      const results = [cluster, volumes, await options.diagnostics.check(where.clusterId), logs];
      const failed = results.filter((check) => !check.passed);
      return {
        state: 'Done',
        passed: failed.length === 0,
        detail:
          failed.length === 0
            ? `checks passed: ${results.map((check) => check.name).join(', ')}`
            : `checks failed: ${failed.map((check) => `${check.name} (${check.detail})`).join('; ')}`,
        results,
      };
    },
  };
}

interface PersistentVolume {
  readonly metadata?: { readonly name?: string };
  readonly spec?: {
    readonly persistentVolumeReclaimPolicy?: string;
    readonly csi?: { readonly driver?: string; readonly volumeHandle?: string };
  };
}

/** The run's command id: from the 202's Location (`…/commandResults/{id}`), or a 200's body. */
function commandIdOf(response: RawResponse | undefined): string | undefined {
  if (response === undefined) return undefined;
  const location = response.headers.get('location');
  const fromLocation = location === undefined ? undefined : /\/commandResults\/([^/?]+)/i.exec(location)?.[1];
  if (fromLocation !== undefined) return decodeURIComponent(fromLocation);
  const body = response.parsedBody as { id?: unknown } | undefined;
  return typeof body?.id === 'string' ? body.id : undefined;
}
