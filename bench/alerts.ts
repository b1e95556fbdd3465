/** Azure Monitor common-alert-schema payloads for the storm, as the simulated Azure posts them. */
export function healthAlert(
  stampId: string,
  alertId: string,
  condition: 'Fired' | 'Resolved',
  firedAt: Date,
  resolvedAt?: Date,
): string {
  return JSON.stringify({
    schemaId: 'azureMonitorCommonAlertSchema',
    data: {
      essentials: {
        alertId,
        alertRule: 'origin-health',
        severity: 'Sev1',
        monitorCondition: condition,
        firedDateTime: firedAt.toISOString(),
        ...(resolvedAt === undefined ? {} : { resolvedDateTime: resolvedAt.toISOString() }),
      },
      alertContext: null,
      customProperties: { stampId, signal: 'health-probe' },
    },
  });
}
