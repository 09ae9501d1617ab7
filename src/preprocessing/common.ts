/** Shared checks of the preprocessing estimators (internal). */
import { ClusterkitError } from '../core/errors.js';
import { checkCols, checkData, toMatrix, type Matrix, type MatrixLike } from '../core/matrix.js';

/** Coerce and check fit-time data: non-empty, finite. */
export function fitData(x: MatrixLike, where: string): Matrix {
  const m = toMatrix(x, where);
  checkData(m, where);
  return m;
}

/** Check a model's kind and version, then coerce and check transform-time data against d. */
export function transformData(model: { kind: string; version: number; nFeatures: number }, kind: string, x: MatrixLike, where: string): Matrix {
  if (model === null || typeof model !== 'object' || model.kind !== kind || model.version !== 1) {
    const got = model === null || typeof model !== 'object' ? String(model) : `kind ${JSON.stringify(model.kind)}, version ${String(model.version)}`;
    throw new ClusterkitError('BAD_MODEL', `${where}: model must be a '${kind}' result of version 1. Got ${got}.`);
  }
  const m = toMatrix(x, where);
  checkCols(m, model.nFeatures, where);
  checkData(m, where);
  return m;
}
