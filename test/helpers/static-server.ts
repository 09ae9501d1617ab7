// A tiny static HTTP server for browser tests: serves files under a few URL prefixes of the
// package root (e.g. /dist/src/) plus in-memory pages, on 127.0.0.1 and a free port, with or
// without the cross-origin isolation headers that SharedArrayBuffer needs. Logs every request.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { extname, posix, resolve, sep } from 'node:path';

/** Content types by file extension; anything else is refused (404), so a stray file shows up. */
const MIME: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** Sent on every response (errors included) in isolated mode: makes `crossOriginIsolated` true. */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export interface StaticServerOptions {
  /** Folder the URL prefixes are resolved against (the package root). */
  readonly root: string;
  /** URL path prefixes served from files under `root`, e.g. ['/dist/src/']; each ends with '/'. */
  readonly prefixes: readonly string[];
  /** In-memory documents by URL path, e.g. { '/index.html': '<!doctype html>…' }; served as text/html. */
  readonly pages?: Readonly<Record<string, string>>;
  /** Send COOP same-origin, COEP require-corp and CORP same-origin on every response. */
  readonly isolated: boolean;
}

/** One request the server answered. */
export interface ServedRequest {
  readonly method: string;
  readonly path: string;
  readonly status: number;
}

export interface StaticServer {
  /** e.g. 'http://127.0.0.1:40123' (no trailing slash). */
  readonly origin: string;
  /** Every request answered so far, in order. */
  readonly log: readonly ServedRequest[];
  /** Stop listening and drop open keep-alive connections. */
  close(): Promise<void>;
}

/** Start the server on 127.0.0.1 and a free port (port 0). */
export async function startStaticServer(options: StaticServerOptions): Promise<StaticServer> {
  const root = resolve(options.root);
  const pages = options.pages ?? {};
  const log: ServedRequest[] = [];

  const send = (req: IncomingMessage, res: ServerResponse, path: string, status: number, type: string, body: Buffer | string): void => {
    log.push({ method: req.method ?? '', path, status });
    const headers: Record<string, string | number> = {
      'Content-Type': type,
      'Content-Length': Buffer.byteLength(body),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    };
    if (options.isolated) Object.assign(headers, ISOLATION_HEADERS);
    res.writeHead(status, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  /** File for a URL path, or null when the path is outside every prefix (or escapes it). */
  const fileFor = (path: string): string | null => {
    const prefix = options.prefixes.find((p) => path.startsWith(p));
    if (!prefix) return null;
    const file = resolve(root, '.' + path);
    const base = resolve(root, '.' + prefix);
    return file.startsWith(base + sep) ? file : null;
  };

  const server = createServer((req, res) => {
    void (async () => {
      let path: string;
      try {
        path = posix.normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname));
      } catch {
        send(req, res, req.url ?? '', 400, 'text/plain; charset=utf-8', 'bad request\n');
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        send(req, res, path, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
        return;
      }
      const page = pages[path];
      if (page !== undefined) {
        send(req, res, path, 200, MIME['.html']!, page);
        return;
      }
      const file = fileFor(path);
      const type = MIME[extname(path)];
      if (file && type) {
        try {
          if ((await stat(file)).isFile()) {
            send(req, res, path, 200, type, await readFile(file));
            return;
          }
        } catch { /* missing: 404 below */ }
      }
      send(req, res, path, 404, 'text/plain; charset=utf-8', `not found: ${path}\n`);
    })();
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => { server.off('error', fail); ok(); });
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    log,
    close: () => new Promise<void>((ok) => {
      server.close(() => ok());
      server.closeAllConnections();
    }),
  };
}

