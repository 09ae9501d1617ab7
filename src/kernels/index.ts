export {
  assignNearest, assignNearestTs, sqDistBlock, innerBlock, cosineBlock, rowNorms2, sqDistRow, centroidSums,
  candidatePotentials, updateClosest, l1Block,
} from './dense.js';
export { setKernelBackend, getKernelBackend, wasmKernelsAvailable, type KernelBackend } from './wasm.js';
