export { EMBEDDED_COSMOS_KEY, type EmbeddedCosmos, startEmbeddedCosmos } from './embeddedCosmos';
export { createSelfSignedCertificate, type SelfSignedCertificate } from './selfSignedCertificate';
