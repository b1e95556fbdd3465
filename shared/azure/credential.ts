import type { TokenCredential } from '@azure/identity';

import { lazy } from './lazy';

/**
 * The process's one `DefaultAzureCredential`: the app's managed identity on Azure, the
 * developer's login locally. `@azure/identity` is loaded on the first call, never at import.
 */
export const defaultAzureCredential: () => Promise<TokenCredential> = lazy(async () => {
  const { DefaultAzureCredential } = await import('@azure/identity');
  return new DefaultAzureCredential();
});
