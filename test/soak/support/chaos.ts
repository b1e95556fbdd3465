import type { Services } from '../../../shared/app/services';
import { TransientError } from '../../../shared/errors';

/** The simulation's seeded PRNG: the same seed gives the same sequence, on every machine. */
export { seededRandom } from '../../../shared/local/sim/random';

export function pick<T>(random: () => number, items: readonly T[]): T | undefined {
  return items.length === 0 ? undefined : items[Math.floor(random() * items.length)];
}

/** What the soak is injecting right now; the decorated ports read it on every call. */
export class FaultSwitch {
  /** Probability that a call to ARM, Front Door or the work inside a stamp fails transiently. */
  failureRate = 0;
  injected = 0;

  constructor(private readonly random: () => number) {}

  maybeFail(what: string): void {
    if (this.failureRate > 0 && this.random() < this.failureRate) {
      this.injected += 1;
      throw new TransientError(`chaos: ${what} failed (injected)`, 'ChaosInjected');
    }
  }
}

function wrap<T extends object>(target: T, name: string, faults: FaultSwitch): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        // A crash before the call: the activity fails and is retried, as a worker recycled
        // mid-activity would be.
        faults.maybeFail(`${name}.${String(property)}`);
        return (value as (...a: unknown[]) => unknown).apply(object, args);
      };
    },
  });
}

/** The services with ARM, Front Door and the stamp operations failing as the switch says. */
export function withFaults(services: Services, faults: FaultSwitch): Services {
  return {
    ...services,
    deployer: wrap(services.deployer, 'deployer', faults),
    traffic: wrap(services.traffic, 'traffic', faults),
    operations: wrap(services.operations, 'operations', faults),
  };
}
