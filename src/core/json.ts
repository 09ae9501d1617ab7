import { ClusterkitError } from './errors.js';

/**
 * JSON encoding that keeps typed arrays typed: `JSON.stringify(new Float32Array(2))` would give
 * `{"0":0,"1":0}`, so typed arrays are written as `{"$typed": "Float32Array", "data": [...]}`.
 * Non-finite numbers are refused (results hold none). Float32 values round-trip exactly
 * (shortest decimal of the float64 widening).
 */
type Typed = Float32Array | Float64Array | Int32Array | Uint32Array | Uint8Array | Int8Array | Int16Array | Uint16Array;
const CTORS = { Float32Array, Float64Array, Int32Array, Uint32Array, Uint8Array, Int8Array, Int16Array, Uint16Array } as const;
type CtorName = keyof typeof CTORS;

export function toJSON(value: unknown, space?: number): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      const name = v.constructor.name as CtorName;
      if (!(name in CTORS)) throw new ClusterkitError('BAD_DATA', `json: cannot encode ${name}.`);
      return { $typed: name, data: Array.from(v as Typed) };
    }
    if (typeof v === 'number' && !Number.isFinite(v)) {
      throw new ClusterkitError('BAD_DATA', `json: results must not hold non-finite numbers. Got ${v} at key '${_k}'.`);
    }
    if (typeof v === 'function') return undefined;
    if (v instanceof AbortSignal) return undefined;
    return v;
  }, space);
}

export function fromJSON<T = unknown>(text: string): T {
  return JSON.parse(text, (_k, v: unknown) => {
    if (v && typeof v === 'object' && '$typed' in v) {
      const o = v as { $typed: string; data: number[] };
      const C = CTORS[o.$typed as CtorName];
      if (!C || !Array.isArray(o.data)) throw new ClusterkitError('BAD_MODEL', `json: unknown typed array '${o.$typed}'.`);
      return C.from(o.data);
    }
    return v;
  }) as T;
}
