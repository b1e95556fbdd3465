export { AZURITE_ACCOUNT, AZURITE_KEY, type AzuriteBlob, startAzuriteBlob } from './azurite';
export {
  type LazyLocalBlobStorage,
  lazyLocalBlobStorage,
  type LocalBlobStorage,
  startLocalBlobStorage,
} from './localBlobStorage';
export { createLocalRecordArchive } from './localRecordArchive';
export { startWormBlobStandIn, type WormBlobStandIn } from './wormBlobStandIn';
