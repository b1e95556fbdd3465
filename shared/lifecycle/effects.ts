import type { Phase, Traffic } from './phase';
import type { Cause } from './stamp';

/**
 * Side effects a decision asks for, as data. The orchestration runs each as an idempotent
 * activity after the new state is committed; the core never performs them.
 */
export type Effect =
  | {
      readonly kind: 'start-deployment';
      readonly stampId: string;
      readonly region: string;
      readonly deploymentName: string;
      readonly generation: number;
    }
  | { readonly kind: 'register-origin'; readonly stampId: string; readonly hostName: string }
  | { readonly kind: 'enable-origin'; readonly stampId: string }
  | { readonly kind: 'disable-origin'; readonly stampId: string }
  | { readonly kind: 'remove-origin'; readonly stampId: string }
  | {
      readonly kind: 'start-timer';
      readonly stampId: string;
      readonly timer: LifecycleTimer;
      readonly at: string;
    }
  | { readonly kind: 'cancel-timer'; readonly stampId: string; readonly timer: LifecycleTimer }
  | {
      readonly kind: 'schedule-drain-timer';
      readonly stampId: string;
      readonly drainId: string;
      readonly at: string;
    }
  | { readonly kind: 'cancel-drain-timer'; readonly stampId: string; readonly drainId: string }
  | { readonly kind: 'watch-in-flight'; readonly stampId: string; readonly drainId: string }
  /**
   * The stamp changed what the fleet reconciler sees (it stopped or started serving, took or
   * gave back a capacity slot, failed): the reconciler runs again to bring every region to its
   * desired stamp count. Replacements come from there, never from one stamp's decision.
   */
  | { readonly kind: 'reconcile-fleet'; readonly stampId: string; readonly reason: string }
  | { readonly kind: 'notify-replaced-stamp'; readonly stampId: string; readonly replacedStampId: string }
  | { readonly kind: 'preserve-diagnostics'; readonly stampId: string }
  | { readonly kind: 'run-quarantine-checks'; readonly stampId: string }
  | { readonly kind: 'delete-workloads'; readonly stampId: string }
  | { readonly kind: 'archive-records'; readonly stampId: string }
  | { readonly kind: 'schedule-purge'; readonly stampId: string; readonly dueAt: string }
  | { readonly kind: 'unschedule-purge'; readonly stampId: string; readonly dueAt: string }
  | { readonly kind: 'delete-resource-group'; readonly stampId: string; readonly resourceGroup: string }
  | {
      readonly kind: 'raise-incident';
      readonly stampId: string;
      readonly incident: IncidentKind;
      readonly detail: string;
    }
  | {
      readonly kind: 'publish-phase-changed';
      readonly stampId: string;
      readonly from: Phase | null;
      readonly to: Phase;
      readonly traffic?: { readonly from: Traffic; readonly to: Traffic };
      readonly at: string;
      readonly cause: Cause;
    };

export type EffectKind = Effect['kind'];

/** Durable timers the orchestration keeps for a stamp; the drain timer is a Service Bus message. */
export type LifecycleTimer = 'registration-timeout' | 'isolation-decision' | 'isolation-grace';

export type IncidentKind =
  | 'blast-radius'
  | 'min-in-rotation'
  | 'deployment-failed'
  | 'registration-timeout'
  | 'quarantine-checks-failed';

/** The resource group a stamp's infrastructure lives in (infra/bicep/main.bicep). */
export function stampResourceGroup(stampId: string): string {
  return `rg-synaxis-stamp-${stampId}`;
}

/** The deterministic ARM deployment name: `stamp-{id}-{generation}`, at most 64 characters. */
export function deploymentName(stampId: string, generation: number): string {
  return `stamp-${stampId}-${generation}`.slice(0, 64);
}
