import { FastifyAdapter } from '@nestjs/platform-fastify';

/**
 * The platform's `configureApp` installs its problem+json not-found handler on the fastify instance; Nest's
 * `init()` then tries to install its own through the adapter, which fastify 5.11 refuses. The platform's stays.
 */
FastifyAdapter.prototype.setNotFoundHandler = function keepPlatformHandler() {
  return undefined as never;
};
