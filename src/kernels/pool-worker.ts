/**
 * A kernel worker (Node worker_threads or a module Web Worker): instantiates the kernel module on
 * the shared memory it is given, then loops: wait for a new job (sequence number in the control
 * block), claim chunks from the shared counter until none are left, report idle. See runtime.ts
 * for the protocol; the worker never returns to its event loop once started.
 */

interface Init { memory: WebAssembly.Memory; module: WebAssembly.Module; ctlPtr: number; tid: number }

const SEQ = 0, ACTIVE = 1, NEXT = 2, NCHUNKS = 3, JOB = 4, WORKER_CHUNKS = 5, READY = 6;

function serve(init: Init): void {
  const instance = new WebAssembly.Instance(init.module, { env: { memory: init.memory } });
  const runChunk = (instance.exports as { runChunk(job: number, c: number, tid: number): void }).runChunk;
  const ctl = new Int32Array(init.memory.buffer, init.ctlPtr, 16);
  const tid = init.tid;
  let seen = Atomics.load(ctl, SEQ);
  Atomics.add(ctl, READY, 1);
  for (;;) {
    Atomics.wait(ctl, SEQ, seen, 10_000);
    const s = Atomics.load(ctl, SEQ);
    if (s === seen) continue;
    if (s & 1) { seen = s; continue; } // a job record is being written: wait for the even number
    Atomics.add(ctl, ACTIVE, 1);
    if (Atomics.load(ctl, SEQ) !== s) {
      Atomics.sub(ctl, ACTIVE, 1);
      Atomics.notify(ctl, ACTIVE);
      continue;
    }
    const job = Atomics.load(ctl, JOB), n = Atomics.load(ctl, NCHUNKS);
    let mine = 0;
    for (let c = Atomics.add(ctl, NEXT, 1); c < n; c = Atomics.add(ctl, NEXT, 1)) { runChunk(job, c, tid); mine++; }
    if (mine > 0) Atomics.add(ctl, WORKER_CHUNKS, mine);
    seen = s;
    Atomics.sub(ctl, ACTIVE, 1);
    Atomics.notify(ctl, ACTIVE);
  }
}

const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
if (typeof proc?.getBuiltinModule === 'function') {
  const wt = proc.getBuiltinModule('node:worker_threads') as { workerData: Init | null; isMainThread: boolean };
  if (!wt.isMainThread && wt.workerData) serve(wt.workerData);
} else {
  const scope = globalThis as unknown as { onmessage: ((e: { data: Init }) => void) | null };
  scope.onmessage = (e) => { scope.onmessage = null; serve(e.data); };
}
