import { ClusterkitError } from './errors.js';

/** Progress report from a long-running fit: `done` of `total` units (iterations, rows, restarts). */
export interface Progress {
  readonly stage: string;
  readonly done: number;
  readonly total: number;
}

/** Run control accepted by every long-running estimator. */
export interface RunControl {
  /** Called after each iteration or chunk; must be cheap. */
  onProgress?: (p: Progress) => void;
  /** Aborts the run: checked each iteration; the fit throws ClusterkitError 'ABORTED'. */
  signal?: AbortSignal;
}

/** Throw ABORTED if the signal fired. */
export function checkAbort(signal: AbortSignal | undefined, where: string): void {
  if (signal?.aborted) throw new ClusterkitError('ABORTED', `${where}: aborted by the caller's signal.`);
}
