import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { UnauthorizedError } from '../errors/app-error';
import type { Principal, Role } from './principal';

export const IS_PUBLIC = 'switchboard:auth:public';
export const REQUIRED_ROLES = 'switchboard:auth:roles';

/** The route needs no token (health, metrics, docs, signed webhooks). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/** Only tokens with one of these roles may call the route (or every route of the controller). */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(REQUIRED_ROLES, roles);

/** Injects the authenticated {@link Principal}. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const request = context.switchToHttp().getRequest<{ principal?: Principal }>();
  if (!request.principal) throw new UnauthorizedError('No authenticated principal on this request.');
  return request.principal;
});
