// Assertions on ClusterkitError: the code, and parts of the message (strings) or a pattern.
import assert from 'node:assert/strict';
import { ClusterkitError } from '../../src/core/errors.js';

function check(e: unknown, code: string, parts: (string | RegExp)[]): true {
  assert.ok(e instanceof ClusterkitError, `expected ClusterkitError, got ${String(e)}`);
  assert.equal(e.code, code, e.message);
  for (const p of parts) {
    if (typeof p === 'string') assert.ok(e.message.includes(p), `message ${JSON.stringify(e.message)} lacks ${JSON.stringify(p)}`);
    else assert.match(e.message, p);
  }
  return true;
}

/** `fn` rejects with a ClusterkitError of `code` whose message contains every part. */
export async function rejects(fn: () => Promise<unknown>, code: string, ...parts: (string | RegExp)[]): Promise<void> {
  await assert.rejects(fn, (e: unknown) => check(e, code, parts));
}

/** `fn` throws a ClusterkitError of `code` whose message contains every part. */
export function throwsCode(fn: () => unknown, code: string, ...parts: (string | RegExp)[]): void {
  assert.throws(fn, (e: unknown) => check(e, code, parts));
}
