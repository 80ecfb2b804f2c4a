// Container health check: exits 0 when the service in this container answers GET /health/live.
// Plain JavaScript so it starts in milliseconds; the port comes from PORT or the service's default.
const DEFAULT_PORTS = { intake: 3001, routing: 3002, analytics: 3003, notify: 3004 };
const port = process.env.PORT || DEFAULT_PORTS[process.env.SERVICE] || 3000;
const path = process.argv[2] || '/health/live';

fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(4000) })
  .then((response) => process.exit(response.ok ? 0 : 1))
  .catch(() => process.exit(1));
