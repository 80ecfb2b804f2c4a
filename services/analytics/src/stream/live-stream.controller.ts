import { Controller, Get, Headers, Inject, Query, Req, Res } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import { createEvent, type AnyCloudEvent } from '@switchboard/contracts';
import { ForbiddenError, JwtAuthGuard, Public, SERVICE_ENV, ZodValidationPipe, type Principal } from '@switchboard/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SERVICE_SOURCE, type AnalyticsEnv } from '../config/analytics.config';
import { KpiQueryService } from '../kpis/kpi-query.service';
import { liveWindow } from '../kpis/kpi-model';
import { queueSnapshot } from '../kpis/kpi-snapshot.publisher';
import { LiveStreamHub, STREAM_TYPES, type StreamClient, type StreamType } from './live-stream.hub';

const streamQuerySchema = z
  .object({
    access_token: z.string().min(1).max(4096).optional().describe('The bearer token, for EventSource clients that cannot set headers.'),
    types: z
      .string()
      .max(1000)
      .transform((value) => value.split(',').filter((type) => type.length > 0))
      .pipe(z.array(z.enum(STREAM_TYPES)).min(1))
      .optional()
      .describe(`Comma-separated event types to receive (default all: ${STREAM_TYPES.join(', ')}).`),
    minutes: z.coerce.number().int().min(1).max(1440).optional().describe('Live window of the initial snapshots.'),
  })
  .strict();

const HEARTBEAT_MS = 15_000;
/** A client that lets this much pile up unread is cut off (it reconnects and starts from a fresh snapshot). */
const MAX_BUFFERED_BYTES = 1 << 20;
/** Seen by agents whatever they concern; everything else only when it is about the agent. */
const TENANT_WIDE: ReadonlySet<string> = new Set<StreamType>(['analytics.kpi_snapshot', 'analytics.sla_breached']);

@ApiTags('stream')
@Controller('v1/stream')
export class LiveStreamController {
  constructor(
    private readonly auth: JwtAuthGuard,
    private readonly hub: LiveStreamHub,
    private readonly queries: KpiQueryService,
    @Inject(SERVICE_ENV) private readonly env: AnalyticsEnv,
  ) {}

  /**
   * Server-Sent Events of the token's tenant: first the live KPI snapshots of the tenant and each queue, then every KPI
   * snapshot, SLA breach, abuse alert, wellbeing and churn change, kudos and agent state change as it is published. Each
   * message is `event: <type>`, `id: <event id>`, `data: <the CloudEvent as JSON>`. Agents receive KPI snapshots, SLA
   * breaches and the events about themselves; supervisors and admins everything.
   */
  @Get()
  @Public()
  @ApiProduces('text/event-stream')
  async stream(
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @Headers('authorization') authorization: string | undefined,
    @Query(new ZodValidationPipe(streamQuerySchema)) query: z.infer<typeof streamQuerySchema>,
  ): Promise<void> {
    const principal = await this.auth.authenticate(bearer(authorization) ?? query.access_token);
    if (!principal.hasRole('agent', 'supervisor', 'admin')) {
      throw new ForbiddenError('The live stream needs one of the roles: agent, supervisor, admin.', 'AUTH.ROLE_REQUIRED');
    }
    const types: ReadonlySet<string> = new Set(query.types ?? STREAM_TYPES);
    const initial = await this.initialSnapshots(principal.tenant, query.minutes);

    reply.hijack();
    const response = reply.raw;
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    response.write('retry: 2000\n\n');
    let open = true;
    const client: StreamClient = {
      tenant: principal.tenant,
      accepts: (event) => types.has(event.type) && visibleTo(principal, event),
      send: (event) => {
        if (!open) return;
        if (response.writableLength > MAX_BUFFERED_BYTES) {
          client.close();
          return;
        }
        response.write(`event: ${event.type}\nid: ${event.id}\ndata: ${JSON.stringify(event)}\n\n`);
      },
      close: () => {
        if (!open) return;
        open = false;
        clearInterval(heartbeat);
        leave();
        response.end();
      },
    };
    const leave = this.hub.join(client);
    const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    request.raw.on('close', () => client.close());
    for (const event of initial) if (client.accepts(event)) client.send(event);
  }

  private async initialSnapshots(tenant: string, minutes: number | undefined): Promise<AnyCloudEvent[]> {
    const window = liveWindow(new Date(), minutes ?? this.env.ANALYTICS_KPI_WINDOW_MINUTES);
    const overview = await this.queries.overview(tenant, window);
    return [overview.tenant, ...overview.queues.map(queueSnapshot)].map((data) =>
      createEvent({ type: 'analytics.kpi_snapshot', tenantid: tenant, source: SERVICE_SOURCE, data }),
    );
  }
}

function visibleTo(principal: Principal, event: AnyCloudEvent): boolean {
  if (principal.role !== 'agent' || TENANT_WIDE.has(event.type)) return true;
  return (event.data as { agentId?: unknown }).agentId === principal.subject;
}

function bearer(header: string | undefined): string | undefined {
  return header === undefined ? undefined : /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
}
