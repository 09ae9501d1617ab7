export {
  assignNearest, sqDistBlock, innerBlock, cosineBlock, rowNorms2, sqDistRow, centroidSums,
  candidatePotentials, updateClosest,
} from './dense.js';
