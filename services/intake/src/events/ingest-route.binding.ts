import { Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost, ModuleRef, Reflector } from '@nestjs/core';
import { childTraceparent, ForbiddenError, JwtAuthGuard, REQUIRED_ROLES, RequestContext, sendProblem, type Principal, type Role } from '@switchboard/platform';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { EventsController } from './events.controller';

const ROUTE = { method: 'POST', url: '/v1/events' } as const;

/**
 * `POST /v1/events` is the hot path of the whole platform (every telephony event passes here), and
 * Nest's generic per-request pipeline (guard and role lookup by reflection, the interceptor chain in
 * rxjs, parameter decorators, exception zone) costs more than the ingestion itself. This binds the
 * route's Fastify handler directly to the same steps, in the same order:
 * the platform's `JwtAuthGuard.authenticate` and the route's `@Roles`, the request context and
 * `traceparent` echo of the platform's interceptor, `EventsController.post` (its decorators stay the
 * route's declaration and OpenAPI description), `202` with the result, and problem+json for every
 * failure through the platform's `sendProblem`. Body parsing, limits and media types stay Fastify's.
 */
@Injectable()
export class IngestRouteBinding {
  private readonly logger = new Logger('HTTP');
  private readonly roles: readonly Role[];

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly moduleRef: ModuleRef,
    reflector: Reflector,
  ) {
    this.roles = reflector.get<Role[] | undefined>(REQUIRED_ROLES, EventsController.prototype.post) ?? [];
  }

  /** Must run before Nest registers its routes (from a module's `configure`). */
  install(): void {
    // The platform's global guard and this module's controller, as Nest made them.
    const guard = this.moduleRef.get(JwtAuthGuard, { strict: false });
    const controller = this.moduleRef.get(EventsController);
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onRoute', (route) => {
      if (route.method === ROUTE.method && route.url === ROUTE.url) route.handler = (request, reply) => this.handle(guard, controller, request, reply);
    });
  }

  private async handle(guard: JwtAuthGuard, controller: EventsController, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    let principal: Principal;
    try {
      principal = await guard.authenticate(bearerToken(request.headers['authorization']));
      (request as FastifyRequest & { principal?: Principal }).principal = principal;
      if (this.roles.length > 0 && !principal.hasRole(...this.roles)) {
        throw new ForbiddenError(`This operation needs one of the roles: ${this.roles.join(', ')}.`, 'AUTH.ROLE_REQUIRED');
      }
    } catch (error) {
      sendProblem(reply, error, request.url, this.logger);
      return;
    }
    const header = request.headers['traceparent'];
    const traceparent = childTraceparent(Array.isArray(header) ? header[0] : header);
    void reply.header('traceparent', traceparent);
    try {
      const tenant = principal.tenant;
      const result = await RequestContext.run({ tenantId: tenant, traceparent }, () => controller.post(request.body, request.headers['content-type'], principal));
      void reply.code(202).send(result);
    } catch (error) {
      sendProblem(reply, error, request.url, this.logger);
    }
  }
}

function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
