import { CosmosClient } from '@azure/cosmos';

import { type EmbeddedCosmos, startEmbeddedCosmos } from '../../shared/local/cosmos/embeddedCosmos';

/** The embedded Cosmos-compatible server and one real SDK client connected to it. */
export async function startCosmosWithClient(): Promise<{ cosmos: EmbeddedCosmos; client: CosmosClient }> {
  const cosmos = await startEmbeddedCosmos();
  return {
    cosmos,
    client: new CosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key, agent: cosmos.agent }),
  };
}
