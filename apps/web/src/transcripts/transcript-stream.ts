import { streamForType, subjectFor } from '@switchboard/contracts';
import { namespacedStream, namespacedSubject } from '@switchboard/platform';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { DeliverPolicy, type NatsConnection, type Subscription } from 'nats';
import { z } from 'zod';
import { sendProblem } from '../problem';

const HEARTBEAT_MS = 15_000;
const AUTHORIZE_POLL_MS = 500;
/** Events kept while the caller's access is being confirmed. */
const MAX_BUFFERED = 500;
/** How far back `since` may reach, and how many of the tenant's events of one type a replay reads at most. */
const MAX_HISTORY_MS = 24 * 3_600_000;
const MAX_HISTORY_EVENTS = 50_000;
const HISTORY_BATCH = 500;

const paramsSchema = z.strictObject({ id: z.string().min(1).max(128).regex(/^[A-Za-z0-9._:@+-]+$/, 'an interaction id') });
const querySchema = z.strictObject({
  access_token: z.string().min(1).max(4096).optional(),
  /** Replay what was said since this time (ISO 8601, at most 24 h back) before the live events. */
  since: z.iso.datetime({ offset: true }).optional(),
});
const claimsSchema = z.object({ tenant: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/) });

const utteranceSchema = z.object({
  id: z.string(),
  data: z.object({
    interactionId: z.string(),
    utteranceId: z.string().optional(),
    speaker: z.string(),
    text: z.string(),
    offsetMs: z.number().optional(),
  }),
});
const scoreSchema = z.object({
  data: z.object({
    interactionId: z.string(),
    utteranceId: z.string().optional(),
    sentiment: z.object({ compound: z.number() }),
    abusive: z.object({ detected: z.boolean(), categories: z.array(z.string()) }),
    gratitude: z.boolean(),
  }),
});

export interface TranscriptStreamOptions {
  nats: NatsConnection;
  namespace: string;
  analyticsUrl: string;
  /** How long to wait for analytics to confirm the caller answered the interaction. */
  authorizeTimeoutMs: number;
}

type Verdict = { ok: true } | { ok: false; status: number; code: string; detail: string };

function bearer(header: string | undefined): string | undefined {
  return header === undefined ? undefined : /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
}

/** The tenant claim of a token, read without verifying it: analytics verifies the token before anything is sent. */
function tenantOf(token: string): string | undefined {
  try {
    const payload = token.split('.')[1];
    if (!payload) return undefined;
    const parsed = claimsSchema.safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data.tenant : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Access is what analytics grants for the interaction's insights: supervisors and admins of the tenant, and the agent
 * who answered it. Analytics learns who answered from the event stream, so a "not found" is asked again until the timeout.
 */
async function authorize(options: TranscriptStreamOptions, interactionId: string, token: string, closed: () => boolean): Promise<Verdict> {
  const deadline = Date.now() + options.authorizeTimeoutMs;
  let last = 'analytics did not answer';
  while (!closed()) {
    try {
      const response = await fetch(new URL(`/v1/interactions/${encodeURIComponent(interactionId)}/insights`, options.analyticsUrl), {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(5000),
      });
      await response.body?.cancel();
      if (response.ok) return { ok: true };
      if (response.status === 401) return { ok: false, status: 401, code: 'AUTH.TOKEN_INVALID', detail: 'The token is missing, invalid or expired.' };
      if (response.status === 403) return { ok: false, status: 403, code: 'AUTH.NOT_THIS_AGENT', detail: `The token may not read interaction ${interactionId}.` };
      last = `analytics answered ${response.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() + AUTHORIZE_POLL_MS > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, AUTHORIZE_POLL_MS));
  }
  return { ok: false, status: 404, code: 'WEB.INTERACTION_NOT_FOUND', detail: `Interaction ${interactionId} is not known as one this token may read (${last}).` };
}

/**
 * `GET /api/console/v1/interactions/:id/transcript`: Server-Sent Events of one interaction's utterances
 * (`event: utterance`, `{key, speaker, text, offsetMs}`) and their scores (`event: score`, `{key, compound, abusive,
 * categories, gratitude}`), live from the tenant's subjects, for the agent who answered it and for supervisors.
 * Utterances said before the stream opened are not repeated.
 */
export function registerTranscriptStream(app: FastifyInstance, options: TranscriptStreamOptions): void {
  app.get('/api/console/v1/interactions/:id/transcript', async (request, reply): Promise<FastifyReply | void> => {
    const params = paramsSchema.safeParse(request.params);
    const query = querySchema.safeParse(request.query);
    if (!params.success || !query.success) {
      const issues = [...(params.success ? [] : params.error.issues), ...(query.success ? [] : query.error.issues)];
      return sendProblem(reply, 400, 'Invalid request', 'VALIDATION.INVALID_INPUT', issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; '));
    }
    const token = bearer(request.headers.authorization) ?? query.data.access_token;
    const tenant = token === undefined ? undefined : tenantOf(token);
    if (token === undefined || tenant === undefined) {
      return sendProblem(reply, 401, 'Unauthorized', 'AUTH.TOKEN_INVALID', 'A valid bearer token is required (Authorization header or access_token).');
    }
    const interactionId = params.data.id;

    let open = true;
    let live = false;
    const buffered: string[] = [];
    let seq = 0;
    const write = (chunk: string) => {
      if (!open) return;
      if (live) reply.raw.write(chunk);
      else if (buffered.length < MAX_BUFFERED) buffered.push(chunk);
    };
    const subscriptions: Subscription[] = [];
    const listen = (type: string, handle: (json: unknown) => void) =>
      subscriptions.push(
        options.nats.subscribe(namespacedSubject(options.namespace, subjectFor(tenant, type)), {
          callback: (error, message) => {
            if (error || !open) return;
            try {
              handle(message.json());
            } catch {
              // Not JSON: not an event of ours.
            }
          },
        }),
      );
    const onUtterance = (json: unknown, send: (chunk: string) => void): void => {
      const event = utteranceSchema.safeParse(json);
      if (!event.success || event.data.data.interactionId !== interactionId) return;
      const { utteranceId, speaker, text, offsetMs } = event.data.data;
      seq += 1;
      send(`event: utterance\ndata: ${JSON.stringify({ key: utteranceId ?? event.data.id, seq, speaker, text, offsetMs })}\n\n`);
    };
    const onScore = (json: unknown, send: (chunk: string) => void): void => {
      const event = scoreSchema.safeParse(json);
      if (!event.success || event.data.data.interactionId !== interactionId) return;
      const { utteranceId, sentiment, abusive, gratitude } = event.data.data;
      send(`event: score\ndata: ${JSON.stringify({ key: utteranceId, compound: sentiment.compound, abusive: abusive.detected, categories: abusive.categories, gratitude })}\n\n`);
    };
    listen('interaction.utterance', (json) => onUtterance(json, write));
    listen('analytics.utterance_scored', (json) => onScore(json, write));
    const stop = () => {
      if (!open) return;
      open = false;
      clearInterval(heartbeat);
      for (const subscription of subscriptions) subscription.unsubscribe();
    };
    request.raw.on('close', stop);
    const heartbeat = setInterval(() => {
      if (live) reply.raw.write(': keep-alive\n\n');
    }, HEARTBEAT_MS);
    heartbeat.unref();

    const verdict = await authorize(options, interactionId, token, () => !open);
    if (!open) return;
    if (!verdict.ok) {
      stop();
      return sendProblem(reply, verdict.status, verdict.status === 404 ? 'Not found' : verdict.status === 401 ? 'Unauthorized' : 'Forbidden', verdict.code, verdict.detail);
    }
    reply.hijack();
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    reply.raw.write('retry: 2000\n\n');
    if (query.data.since) {
      // What was said before the stream opened (a reload, a reconnect) comes first; live events meanwhile wait in the
      // buffer. The page keys utterances and scores, so one seen both ways shows once.
      const since = new Date(Math.max(Date.parse(query.data.since), Date.now() - MAX_HISTORY_MS));
      const history = (chunk: string): void => {
        if (open) reply.raw.write(chunk);
      };
      try {
        await replay(options, tenant, 'interaction.utterance', since, () => open, (json) => onUtterance(json, history));
        await replay(options, tenant, 'analytics.utterance_scored', since, () => open, (json) => onScore(json, history));
      } catch (error) {
        request.log.warn({ err: error }, 'transcript history could not be read');
      }
    }
    live = true;
    for (const chunk of buffered.splice(0)) reply.raw.write(chunk);
  });
}

/**
 * Reads the tenant's events of one type since `since` from their stream (an ordered consumer: nothing durable is left
 * behind) and hands each to `handle`; bounded by MAX_HISTORY_EVENTS.
 */
async function replay(
  options: TranscriptStreamOptions,
  tenant: string,
  type: 'interaction.utterance' | 'analytics.utterance_scored',
  since: Date,
  open: () => boolean,
  handle: (json: unknown) => void,
): Promise<void> {
  const stream = namespacedStream(options.namespace, streamForType(type).name);
  const subject = namespacedSubject(options.namespace, subjectFor(tenant, type));
  // The tenant's latest event of the type bounds the read: none, or none since `since`, means nothing to replay.
  let last: { seq: number; time: Date };
  try {
    last = await (await options.nats.jetstreamManager()).streams.getMessage(stream, { last_by_subj: subject });
  } catch (error) {
    if (error instanceof Error && /no message found|not found/i.test(error.message)) return;
    throw error;
  }
  if (last.time.getTime() < since.getTime()) return;
  const consumer = await options.nats.jetstream().consumers.get(stream, {
    filterSubjects: subject,
    deliver_policy: DeliverPolicy.StartTime,
    opt_start_time: since.toISOString(),
  });
  for (let read = 0; open() && read < MAX_HISTORY_EVENTS; ) {
    let done = true;
    let got = 0;
    for await (const message of await consumer.fetch({ max_messages: HISTORY_BATCH, expires: 2_000 })) {
      got += 1;
      done = message.seq >= last.seq || message.info.pending === 0;
      try {
        handle(message.json());
      } catch {
        // Not JSON: not an event of ours.
      }
      if (done) break;
    }
    read += got;
    if (done || got === 0) return;
  }
}
