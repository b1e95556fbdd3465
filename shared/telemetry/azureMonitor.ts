import { resetInstruments } from './instruments';

/**
 * On Azure: Azure Monitor's OpenTelemetry distribution (`@azure/monitor-opentelemetry`), sending
 * this worker's spans and metrics to the Application Insights resource of
 * `APPLICATIONINSIGHTS_CONNECTION_STRING` with the app's managed identity: the resource has local
 * authentication disabled, and `APPLICATIONINSIGHTS_AUTHENTICATION_STRING=Authorization=AAD`
 * asks for Entra ID, which the exporter takes as its `credential` (the identity needs Monitoring
 * Metrics Publisher on the resource, infra/controlplane/controlplane-access.bicep).
 * https://learn.microsoft.com/azure/azure-monitor/app/opentelemetry-enable?tabs=nodejs,
 * https://learn.microsoft.com/azure/azure-monitor/app/azure-ad-authentication
 * Loaded only when the connection string is set, so a local cold start never loads it. It is
 * imported asynchronously: the control plane's spans are its own (shared/telemetry/spans.ts) and
 * need the provider only before the first invocation, not before other modules load.
 */
export async function installAzureMonitor(
  env: Readonly<Record<string, string | undefined>>,
): Promise<boolean> {
  const connectionString = env['APPLICATIONINSIGHTS_CONNECTION_STRING'];
  if (connectionString === undefined || connectionString.length === 0) return false;
  const entra = /authorization=aad/i.test(env['APPLICATIONINSIGHTS_AUTHENTICATION_STRING'] ?? '');
  const [{ useAzureMonitor }, { defaultAzureCredential }] = await Promise.all([
    import('@azure/monitor-opentelemetry'),
    import('../azure/credential.js'),
  ]);
  useAzureMonitor({
    azureMonitorExporterOptions: {
      connectionString,
      ...(entra ? { credential: await defaultAzureCredential() } : {}),
    },
  });
  resetInstruments();
  return true;
}
