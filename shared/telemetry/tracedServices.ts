import type { Services } from '../app/serviceTypes';
import type { EventPublisher } from '../ports/eventPublisher';
import { inSpan, SpanKind } from './spans';
import { currentTraceparent } from './traceContext';

/** The ports whose calls leave the process (ARM, Front Door, Service Bus, Azure Monitor, Blob storage). */
const OUTBOUND = {
  deployer: 'Deployer',
  traffic: 'TrafficManager',
  originHealth: 'OriginHealthProbe',
  originMetrics: 'OriginMetrics',
  bus: 'LifecycleBus',
  operations: 'StampOperations',
  archive: 'RecordArchive',
  stampMetrics: 'StampMetrics',
} as const satisfies Partial<Record<keyof Services, string>>;

/**
 * The services with a CLIENT span around every call of an outbound port (`TrafficManager.setOriginEnabled`)
 * and a PRODUCER span around each publish, which stamps the CloudEvents it sends with the
 * span's `traceparent` (the CloudEvents distributed-tracing extension) so the subscriber
 * continues the trace. Event Grid's SDK keeps a `traceparent` an event already has
 * (cloudEventDistributedTracingEnricherPolicy in @azure/eventgrid). The store is left out:
 * its reads and writes are many and local to a decision, whose span covers them.
 */
export function tracedServices(svc: Services): Services {
  const traced: Record<string, unknown> = { ...svc };
  for (const [key, port] of Object.entries(OUTBOUND))
    traced[key] = tracedPort(port, svc[key as keyof typeof OUTBOUND]);
  traced['events'] = tracedPublisher(svc.events);
  return traced as unknown as Services;
}

function tracedPort<T extends object>(port: string, target: T): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      const method = value as (...args: unknown[]) => unknown;
      return (...args: unknown[]) =>
        inSpan(`${port}.${property}`, { kind: SpanKind.CLIENT, attributes: { 'stamps.port': port } }, () =>
          Promise.resolve(method.apply(object, args)),
        );
    },
  });
}

export function tracedPublisher(publisher: EventPublisher): EventPublisher {
  return {
    publish: (events) =>
      inSpan(
        'EventPublisher.publish',
        {
          kind: SpanKind.PRODUCER,
          attributes: { 'messaging.system': 'eventgrid', 'messaging.batch.message_count': events.length },
        },
        () => {
          const traceparent = currentTraceparent();
          return publisher.publish(
            traceparent === undefined
              ? events
              : events.map((e) => (e.traceparent === undefined ? { ...e, traceparent } : e)),
          );
        },
      ),
  };
}
