import { errorMessage } from './error-message';
import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, toProblem } from './problem-details';

/** Every failure of every HTTP route leaves as RFC 9457 `application/problem+json`. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    sendProblem(reply, exception, request.url, this.logger);
  }
}

/** Writes `exception` to `reply` as problem+json; shared by the Nest filter and Fastify's own error handler. */
export function sendProblem(reply: FastifyReply, exception: unknown, url: string, logger: Logger): void {
  const { problem, headers } = toProblem(exception, url.split('?')[0]);
  if (problem.status >= 500) {
    logger.error({ err: exception, code: problem.code }, `request failed: ${describe(exception)}`);
  }
  if (reply.sent) return;
  void reply
    .status(problem.status)
    .headers(headers)
    .header('content-type', PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(problem));
}

function describe(error: unknown): string {
  return errorMessage(error);
}
