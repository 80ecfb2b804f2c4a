import { ConfigValidationError } from '@switchboard/platform';
import { buildWebServer } from './server';
import { loadWebConfig } from './web.config';

async function main(): Promise<void> {
  let config;
  try {
    config = loadWebConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const app = await buildWebServer(config);
  let closing = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      if (closing) return;
      closing = true;
      app.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
  await app.listen({ port: config.http.port, host: config.http.host });
  app.log.info(`web listening on http://${config.http.host}:${config.http.port} (dashboard /dashboard, console /console)`);
}

main().catch((error: unknown) => {
  process.stderr.write(`web failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
