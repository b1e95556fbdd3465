/**
 * The simulation's state as plain JSON, for `npm start -- --data-dir`: each part names its
 * collections (maps keyed by string, sets of strings, arrays) and they are written and refilled
 * as they are. Records are plain objects of strings, numbers and booleans.
 */
export type Persisted = Readonly<Record<string, unknown>>;

type Collection = Map<string, unknown> | Set<string> | unknown[];
/** A part's collections by name: what `saveCollections` writes and `restoreCollections` refills. */
export type Collections = Readonly<Record<string, Collection>>;

export function saveCollections(collections: Collections): Persisted {
  const saved: Record<string, unknown> = {};
  for (const [name, collection] of Object.entries(collections))
    saved[name] = collection instanceof Map ? [...collection.entries()] : [...collection];
  return saved;
}

/** Refills each collection from what `saveCollections` wrote; a collection missing from it stays empty. */
export function restoreCollections(
  collections: Readonly<Record<string, Collection>>,
  saved: Persisted,
): void {
  for (const [name, collection] of Object.entries(collections)) {
    const items = saved[name];
    const list: unknown[] = Array.isArray(items) ? items : [];
    if (collection instanceof Map) {
      collection.clear();
      for (const entry of list)
        if (Array.isArray(entry) && typeof entry[0] === 'string') collection.set(entry[0], entry[1]);
    } else if (collection instanceof Set) {
      collection.clear();
      for (const item of list) if (typeof item === 'string') collection.add(item);
    } else {
      collection.splice(0, collection.length, ...list);
    }
  }
}

export function persistedPart(saved: Persisted, name: string): Persisted {
  const part = saved[name];
  return typeof part === 'object' && part !== null && !Array.isArray(part) ? (part as Persisted) : {};
}
