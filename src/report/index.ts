// Browser-safe report API (the Node writer is ./write.js, re-exported from src/node.ts).
export { renderReport, type ReportData, type ReportSection, type ReportMetric, type ElbowData } from './render.js';
export {
  scatterSvg, lineChartSvg, barChartSvg, niceTicks, formatNumber, formatTick, esc, FONT_STACK,
  type Points2D, type ScatterOptions, type LineSeries, type LineChartOptions, type Bar, type BarChartOptions,
} from './svg.js';
export { clusterColors, OKABE_ITO, TABLEAU_10, NOISE_COLOR } from './palette.js';
export { kmeansSection, type SectionInput, type SectionOutput, type SectionFigures } from './analyze.js';
export {
  condensedTreeSvg, reachabilitySvg, dendrogramSvg,
  type CondensedClustersLike, type CondensedTreeOptions, type ReachabilityOptions, type DendrogramOptions,
} from './hierarchy.js';
export {
  hdbscanSection, opticsSection, agglomerativeSection,
  type DensitySectionInput, type DensitySectionOutput, type DensityFigures,
} from './density.js';
export { icicleSvg, type IcicleOptions } from './icicle.js';
