/**
 * Worker of src/kernels/parallel.ts: for each job message, imports the task's module (cached),
 * joins the job if it is still current (generation check under the ACTIVE count, as the kernel
 * pool does), claims chunks from the shared counter until none are left, then reports idle.
 */

interface Init { ctl: Int32Array; tid: number }
interface Job { gen: number; module: string; name: string; args: unknown; nChunks: number }

const GEN = 0, ACTIVE = 1, NEXT = 2, WORKER_CHUNKS = 4;
const modules = new Map<string, Promise<Record<string, unknown>>>();

function start(init: Init, on: (f: (job: Job) => void) => void): void {
  const ctl = init.ctl;
  on((job) => {
    let mod = modules.get(job.module);
    if (!mod) { mod = import(job.module) as Promise<Record<string, unknown>>; modules.set(job.module, mod); }
    void mod.then((m) => {
      const fn = m[job.name] as (args: unknown, c: number) => void;
      Atomics.add(ctl, ACTIVE, 1);
      try {
        if (Atomics.load(ctl, GEN) !== job.gen) return;
        let mine = 0;
        for (let c = Atomics.add(ctl, NEXT, 1); c < job.nChunks; c = Atomics.add(ctl, NEXT, 1)) { fn(job.args, c); mine++; }
        if (mine > 0) Atomics.add(ctl, WORKER_CHUNKS, mine);
      } finally {
        Atomics.sub(ctl, ACTIVE, 1);
        Atomics.notify(ctl, ACTIVE);
      }
    });
  });
}

const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
if (typeof proc?.getBuiltinModule === 'function') {
  const wt = proc.getBuiltinModule('node:worker_threads') as {
    workerData: Init | null; isMainThread: boolean; parentPort: { on(e: 'message', f: (m: Job) => void): void } | null;
  };
  if (!wt.isMainThread && wt.workerData && wt.parentPort) {
    const port = wt.parentPort;
    start(wt.workerData, (f) => port.on('message', f));
  }
} else {
  const scope = globalThis as unknown as { onmessage: ((e: { data: unknown }) => void) | null };
  scope.onmessage = (e) => {
    const init = e.data as Init;
    const queue: Job[] = [];
    let handler: ((job: Job) => void) | null = null;
    scope.onmessage = (ev) => { if (handler) handler(ev.data as Job); else queue.push(ev.data as Job); };
    start(init, (f) => { handler = f; for (const j of queue.splice(0)) f(j); });
  };
}
