export {
  assignNearest, sqDistBlock, innerBlock, cosineBlock, rowNorms2, sqDistRow, centroidSums,
  candidatePotentials, updateClosest, l1Block,
} from './dense.js';
