import type { DurationRange } from './random';

/**
 * The simulated Azure's timings, in simulated time. The phase durations of the architecture this product
 * automates are what the sim makes the real work take; scaling to wall time is the clock's job.
 */
const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** ARM deployment of a stamp: the seed's provisioning phase. */
export const DEPLOYMENT_DURATION: DurationRange = { minMs: 15 * MINUTE, maxMs: 20 * MINUTE };

/** Deleting a stamp's resource group (purge). */
export const RESOURCE_GROUP_DELETION_DURATION: DurationRange = { minMs: 3 * MINUTE, maxMs: 5 * MINUTE };

/**
 * How long after an origin is added its probes keep failing (Front Door propagating the new
 * origin to its edges, the stamp's ingress warming up). The origin turns Healthy on the third
 * successful probe after this, 60-90 s later, so a registration takes the seed's 2-5 minutes.
 */
export const ORIGIN_WARM_UP: DurationRange = { minMs: 1 * MINUTE, maxMs: 3.5 * MINUTE };

/** The quarantine phase's automatic checks. */
export const QUARANTINE_CHECKS_DURATION: DurationRange = { minMs: 5 * MINUTE, maxMs: 10 * MINUTE };

/** Deleting a stamp's AKS workloads: the seed's decommissioning phase. */
export const WORKLOAD_DELETION_DURATION: DurationRange = { minMs: 10 * MINUTE, maxMs: 15 * MINUTE };

/**
 * In-flight requests drain over 5 minutes at no load to 25 at full load, linearly in the
 * region's load when the origin was disabled.
 */
export const DRAIN_MIN_MS = 5 * MINUTE;
export const DRAIN_MAX_MS = 25 * MINUTE;
/** In-flight requests of a stamp in rotation per percent of region load (50% → 500). */
export const IN_FLIGHT_PER_LOAD_PERCENT = 10;

/** Front Door's probe interval (the origin group's `probeIntervalInSeconds`). */
export const PROBE_INTERVAL_MS = 30 * SECOND;
/** Consecutive probes with the same outcome that flip an origin's health (the seed's "3 consecutive checks"). */
export const PROBES_TO_FLIP_HEALTH = 3;
/** Azure Monitor metric alert evaluation frequency. */
export const EVALUATION_INTERVAL_MS = MINUTE;

/** Node utilisation of a region until `setLoad` says otherwise: between both capacity thresholds. */
export const DEFAULT_LOAD_PERCENT = 50;
export const CAPACITY_HIGH_PERCENT = 80;
export const CAPACITY_LOW_PERCENT = 20;
