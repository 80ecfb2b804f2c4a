import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';
import { RequestContext } from './request-context';
import { childTraceparent } from './trace-context';

/**
 * Runs each HTTP handler inside a {@link RequestContext} holding the caller's tenant and the W3C trace
 * context (continued from an incoming `traceparent` header, or started here), so logs and published
 * events carry them. The trace context is echoed in the response.
 */
@Injectable()
export class RequestContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & { principal?: { tenant: string } }>();
    const reply = http.getResponse<FastifyReply>();
    const header = request.headers['traceparent'];
    const traceparent = childTraceparent(Array.isArray(header) ? header[0] : header);
    void reply.header('traceparent', traceparent);
    return new Observable((subscriber) =>
      RequestContext.run({ tenantId: request.principal?.tenant, traceparent }, () => next.handle().subscribe(subscriber)),
    );
  }
}
