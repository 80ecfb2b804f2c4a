import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import { parseJsonBody } from './json-body';

/**
 * Intake's body parsers, registered before the app listens: `application/x-www-form-urlencoded` (Twilio
 * posts its callbacks form-encoded) and an `application/json` parser whose errors name the fault and where
 * it is (vendor payloads are often hand-edited: a trailing comma, a comment).
 */
@Injectable()
export class BodyParsers implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  async onModuleInit(): Promise<void> {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    if (fastify.hasContentTypeParser('application/json')) fastify.removeContentTypeParser('application/json');
    fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
      try {
        done(null, parseJsonBody(body as string));
      } catch (error) {
        done(error as Error, undefined);
      }
    });
    if (!fastify.hasContentTypeParser('application/x-www-form-urlencoded')) await fastify.register(formbody);
  }
}
