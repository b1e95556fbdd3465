/** A resource id's type: each `providers/{namespace}/{type}[/{name}/{child type}...]` segment pair. */
export function resourceTypeOf(resourceId: string): string {
  const parts = resourceId.split('/').filter((p) => p !== '');
  const at = parts.map((p) => p.toLowerCase()).lastIndexOf('providers');
  if (at < 0)
    return /\/resourceGroups\/[^/]+$/i.test(resourceId) ? 'Microsoft.Resources/resourceGroups' : 'unknown';
  const [namespace = 'unknown', ...rest] = parts.slice(at + 1);
  // Types and names alternate after the namespace: type, name, child type, child name...
  return [namespace, ...rest.filter((_, i) => i % 2 === 0)].join('/');
}
