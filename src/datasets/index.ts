// Browser-safe generators only; the Node-only loader is ./bundled.js (re-exported from src/node.ts).
export {
  makeBlobs, makeMoons, makeCircles, uniformNoise, makeAnisotropic,
  BLOBS_SPEC, MOONS_SPEC, CIRCLES_SPEC, UNIFORM_NOISE_SPEC, ANISOTROPIC_SPEC,
  type GeneratedData, type BlobsData, type BlobsOptions, type MoonsOptions, type CirclesOptions,
  type UniformNoiseOptions, type AnisotropicOptions, type AnisotropicData,
} from './generators.js';
