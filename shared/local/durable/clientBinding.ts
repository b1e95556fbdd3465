/** The path the Durable extension serves its public HTTP API under. */
export const WEBHOOK_PATH = '/runtime/webhooks/durabletask';
/** The path of the RPC endpoint (`rpcBaseUrl`) that `DurableClient` prefers when it is given. */
export const RPC_PATH = '/durabletask';
/** The instance id placeholder of the management URL templates. */
export const INSTANCE_ID_PLACEHOLDER = 'INSTANCEID';

export interface ManagementUrls {
  readonly id: string;
  readonly statusQueryGetUri: string;
  readonly sendEventPostUri: string;
  readonly terminatePostUri: string;
  readonly rewindPostUri: string;
  readonly purgeHistoryDeleteUri: string;
  readonly restartPostUri: string;
  readonly suspendPostUri: string;
  readonly resumePostUri: string;
}

/**
 * The durable client input binding data the extension hands a function with
 * `extraInputs: [df.input.durableClient()]`, and that `df.getClient(context)` reads
 * (`OrchestrationClientInputData`).
 */
export interface DurableClientBindingData {
  readonly taskHubName: string;
  readonly creationUrls: {
    readonly createNewInstancePostUri: string;
    readonly createAndWaitOnNewInstancePostUri: string;
  };
  readonly managementUrls: ManagementUrls;
  readonly baseUrl: string;
  readonly requiredQueryStringParameters: string;
  readonly rpcBaseUrl: string;
}

/**
 * Binding data for a Durable HTTP API served at `origin`. `DurableClient` sends every call to
 * `rpcBaseUrl`; the management URLs are what `createCheckStatusResponse` hands out (with the
 * origin of the triggering request, as on Azure).
 */
export function durableClientBindingData(
  origin: string,
  taskHubName: string,
  query = `taskHub=${encodeURIComponent(taskHubName)}&connection=Storage`,
  rpcKey?: string,
): DurableClientBindingData {
  const base = `${origin}${WEBHOOK_PATH}`;
  return {
    taskHubName,
    creationUrls: {
      createNewInstancePostUri: `${base}/orchestrators/{functionName}[/{instanceId}]?${query}`,
      createAndWaitOnNewInstancePostUri: `${base}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&${query}`,
    },
    managementUrls: managementUrls(base, INSTANCE_ID_PLACEHOLDER, query),
    baseUrl: base,
    requiredQueryStringParameters: query,
    rpcBaseUrl: rpcKey === undefined ? `${origin}${RPC_PATH}/` : `${origin}${RPC_PATH}/${rpcKey}/`,
  };
}

/** The management URLs of one instance (or of the placeholder), under the webhook base URL. */
export function managementUrls(webhookBase: string, instanceId: string, query: string): ManagementUrls {
  const instance = `${webhookBase}/instances/${instanceId === INSTANCE_ID_PLACEHOLDER ? instanceId : encodeURIComponent(instanceId)}`;
  return {
    id: instanceId,
    statusQueryGetUri: `${instance}?${query}`,
    sendEventPostUri: `${instance}/raiseEvent/{eventName}?${query}`,
    terminatePostUri: `${instance}/terminate?reason={text}&${query}`,
    rewindPostUri: `${instance}/rewind?reason={text}&${query}`,
    purgeHistoryDeleteUri: `${instance}?${query}`,
    restartPostUri: `${instance}/restart?${query}`,
    suspendPostUri: `${instance}/suspend?reason={text}&${query}`,
    resumePostUri: `${instance}/resume?reason={text}&${query}`,
  };
}
