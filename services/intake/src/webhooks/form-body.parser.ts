import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';

/** Registers the `application/x-www-form-urlencoded` parser (Twilio posts its callbacks form-encoded) before the app listens. */
@Injectable()
export class FormBodyParser implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  async onModuleInit(): Promise<void> {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    if (!fastify.hasContentTypeParser('application/x-www-form-urlencoded')) await fastify.register(formbody);
  }
}
