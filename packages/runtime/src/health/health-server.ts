import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProbeResult, ServiceMonitor } from './service-monitor.js';

export interface HealthServer {
  /** The port it listens on. */
  port: number;
  close(): Promise<void>;
}

/**
 * The worker services' side door: GET /healthz (liveness), /readyz (readiness) and
 * /metrics (Prometheus text), nothing else, no auth — it listens on its own port
 * (METRICS_PORT), which deploy/ keeps inside the cluster. Plain node:http: three fixed
 * routes need no framework, and the probes must answer while the rest of the process is
 * still connecting. Probe bodies are JSON: `{ok, reason?, ...details}`.
 */
export async function startHealthServer(monitor: ServiceMonitor, options: { port: number; host: string }): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const probe = (result: ProbeResult) => {
      const body = JSON.stringify({ ok: result.ok, ...(result.reason ? { reason: result.reason } : {}), ...result.details });
      res.writeHead(result.ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(body);
    };
    if (path === '/healthz') return probe(monitor.liveness());
    if (path === '/readyz') {
      monitor.readiness().then(probe, (err) => probe({ ok: false, reason: (err as Error).message }));
      return;
    }
    if (path === '/metrics') {
      monitor.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': monitor.registry.contentType }).end(text),
        (err) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${(err as Error).message}\n`),
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"ok":false,"reason":"only /healthz, /readyz and /metrics here"}');
  });
  // Probes hold no connection open: a stop must not wait for a scraper's keep-alive.
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
