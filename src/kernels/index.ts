export {
  assignNearest, assignNearestAndSums, assignNearestTs, sqDistBlock, sqDistBlockApprox, innerBlock, cosineBlock, rowNorms2, sqDistRow, exactSqDist, labelledSqDist, labelledBeyond, firstNonFinite, centroidSums,
  candidatePotentials, updateClosest, l1Block,
} from './dense.js';
export { setKernelBackend, getKernelBackend, wasmKernelsAvailable, kernelInfo, setQuantScreening, type KernelBackend } from './wasm.js';
export { setKernelThreads, setKernelMemoryLimit, pinRows, kernelStats, kernelsReady, kernelFloat32Array, type KernelInfo } from './runtime.js';
