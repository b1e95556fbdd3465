import type { Config } from '../config/loadConfig';
import type { Clock } from '../ports/clock';
import type { Deployer } from '../ports/deployer';
import type { EventPublisher } from '../ports/eventPublisher';
import type { IdempotencyStore } from '../ports/idempotencyStore';
import type { IncidentLog } from '../ports/incidentLog';
import type { LifecycleBus } from '../ports/lifecycleBus';
import type { OriginMetrics } from '../ports/originMetrics';
import type { RecordArchive } from '../ports/recordArchive';
import type { SignalLog } from '../ports/signalLog';
import type { StampMetrics } from '../ports/stampMetrics';
import type { StampOperations } from '../ports/stampOperations';
import type { StampStore } from '../ports/stampStore';
import type { OriginHealthProbe, TrafficManager } from '../ports/trafficManager';
import type { SignalCounts } from './signalCounts';

/** Everything the functions need from the outside world, built once per process. */
export interface Services {
  readonly config: Config;
  readonly clock: Clock;
  readonly store: StampStore;
  readonly deployer: Deployer;
  readonly traffic: TrafficManager;
  readonly originHealth: OriginHealthProbe;
  /** Front Door's requests, errors and latency per origin: the canary comparison's figures. */
  readonly originMetrics: OriginMetrics;
  readonly bus: LifecycleBus;
  readonly events: EventPublisher;
  readonly operations: StampOperations;
  /** Immutable storage for retired stamps' records. */
  readonly archive: RecordArchive;
  /** What was done with each inbound alert and signal, kept for inspection. */
  readonly signals: SignalLog;
  /** The first answers to requests sent with an Idempotency-Key. */
  readonly idempotency: IdempotencyStore;
  /** This process's counts of signal outcomes, duplicates included. */
  readonly signalCounts: SignalCounts;
  /** Every incident raised, kept for `GET /api/incidents` and the dashboard. */
  readonly incidents: IncidentLog;
  /** The seed's monitoring figures per stamp (latency, errors, utilization, queue depth, RU). */
  readonly stampMetrics: StampMetrics;
}
