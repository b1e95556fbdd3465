import { ConflictError } from '../../errors';
import type { InstanceStore, StoredInstanceDocument } from './instanceStore';

/**
 * The in-memory instance store. Documents are kept as JSON text, so what is read back is a
 * copy that went through serialization exactly as with a real database. Pass the same store
 * to a new runtime to simulate a host restart.
 */
export class InMemoryInstanceStore implements InstanceStore {
  private readonly documents = new Map<string, { text: string; etag: string }>();
  private version = 0;

  read(instanceId: string): Promise<StoredInstanceDocument | undefined> {
    const entry = this.documents.get(instanceId);
    return Promise.resolve(
      entry === undefined
        ? undefined
        : { instanceId, document: JSON.parse(entry.text) as unknown, etag: entry.etag },
    );
  }

  create(instanceId: string, document: unknown): Promise<string> {
    if (this.documents.has(instanceId)) {
      return Promise.reject(new ConflictError(`instance document '${instanceId}' already exists`));
    }
    return Promise.resolve(this.write(instanceId, document));
  }

  replace(instanceId: string, document: unknown, etag: string): Promise<string> {
    const entry = this.documents.get(instanceId);
    if (entry === undefined || entry.etag !== etag) {
      return Promise.reject(
        new ConflictError(`instance document '${instanceId}' changed (ETag ${etag} is stale)`),
      );
    }
    return Promise.resolve(this.write(instanceId, document));
  }

  delete(instanceId: string, etag: string): Promise<boolean> {
    const entry = this.documents.get(instanceId);
    if (entry === undefined) return Promise.resolve(false);
    if (entry.etag !== etag) {
      return Promise.reject(
        new ConflictError(`instance document '${instanceId}' changed (ETag ${etag} is stale)`),
      );
    }
    this.documents.delete(instanceId);
    return Promise.resolve(true);
  }

  list(): Promise<StoredInstanceDocument[]> {
    return Promise.resolve(
      [...this.documents.entries()].map(([instanceId, entry]) => ({
        instanceId,
        document: JSON.parse(entry.text) as unknown,
        etag: entry.etag,
      })),
    );
  }

  private write(instanceId: string, document: unknown): string {
    const text = JSON.stringify(document);
    if (text === undefined) throw new TypeError(`instance document '${instanceId}' is not JSON-serializable`);
    const etag = `"${++this.version}"`;
    this.documents.set(instanceId, { text, etag });
    return etag;
  }
}
