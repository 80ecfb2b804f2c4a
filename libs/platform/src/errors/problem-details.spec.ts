import { BadRequestException, ServiceUnavailableException } from '@nestjs/common';
import { z } from 'zod';
import { AppError, NotFoundError, TransientError, ValidationError, isRetryable } from './app-error';
import { toProblem } from './problem-details';

describe('problem details (RFC 9457)', () => {
  it('keeps an AppError code, status, title and fields', () => {
    const { problem } = toProblem(new ValidationError('bad', [{ field: 'data.text', message: 'Required' }]), '/v1/events');
    expect(problem).toEqual({
      type: 'https://switchboard.dev/problems/validation-invalid-input',
      title: 'Invalid input',
      status: 400,
      code: 'VALIDATION.INVALID_INPUT',
      detail: 'bad',
      instance: '/v1/events',
      errors: [{ field: 'data.text', message: 'Required' }],
    });
  });

  it('names zod issue paths with dots and indexes', () => {
    const schema = z.array(z.object({ data: z.object({ text: z.string() }) }));
    const result = schema.safeParse([{ data: { text: 'ok' } }, { data: {} }]);
    expect(result.success).toBe(false);
    const { problem } = toProblem(result.error);
    expect(problem.status).toBe(400);
    expect(problem.errors).toEqual([{ field: '[1].data.text', message: expect.any(String) }]);
  });

  it('maps Fastify limit and media-type errors to 413 and 415', () => {
    expect(toProblem({ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413, message: 'too large' }).problem.status).toBe(413);
    expect(toProblem({ code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415, message: 'nope' }).problem.code).toBe(
      'HTTP.UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('keeps structured HttpException payloads as extension members', () => {
    const { problem } = toProblem(new ServiceUnavailableException({ status: 'error', error: { redis: { status: 'down' } } }));
    expect(problem.status).toBe(503);
    expect(problem['error']).toBeUndefined();
    expect(toProblem(new BadRequestException('nope')).problem.detail).toBe('nope');
  });

  it('reveals nothing about unexpected errors', () => {
    const { problem } = toProblem(new Error('password=hunter2 at db.internal'));
    expect(problem.status).toBe(500);
    expect(JSON.stringify(problem)).not.toContain('hunter2');
  });

  it('knows which failures are worth retrying', () => {
    expect(isRetryable(new TransientError('db down'))).toBe(true);
    expect(isRetryable(new ValidationError('bad'))).toBe(false);
    expect(isRetryable(new NotFoundError('gone'))).toBe(false);
    expect(isRetryable(new AppError('x', { code: 'X', retryable: true }))).toBe(true);
    expect(isRetryable(new Error('socket hang up'))).toBe(true);
  });

  it('answers a dependency that is briefly unavailable with 503 and Retry-After, not 500', () => {
    const poolTimeout = new Error('timeout exceeded when trying to connect');
    const deadlock = Object.assign(new Error('query failed'), { driverError: Object.assign(new Error('deadlock detected'), { code: '40P01' }) });
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    for (const error of [poolTimeout, deadlock, refused]) {
      const { problem, headers } = toProblem(error, '/v1/x');
      expect([problem.status, problem.code, headers['retry-after']]).toEqual([503, 'DEPENDENCY.UNAVAILABLE', '1']);
    }
  });

  it('keeps a defect a 500 that reveals nothing', () => {
    const { problem } = toProblem(new TypeError("Cannot read properties of undefined (reading 'id')"));
    expect([problem.status, problem.code, problem.detail]).toEqual([500, 'INTERNAL', 'An unexpected error occurred.']);
  });
});
