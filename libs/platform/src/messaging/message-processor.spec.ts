import { createEvent, EVENT_DATA_EXAMPLES, type AnyCloudEvent } from '@switchboard/contracts';
import { headers as natsHeaders, type JsMsg } from 'nats';
import { RequestContext, type ContextFields } from '../context/request-context';
import { parseTraceparent } from '../context/trace-context';
import { AppError, TransientError } from '../errors/app-error';
import { planConsumers, type HandlerBinding } from './consumer-plan';
import type { DeadLetterRecord } from './dead-letter';
import { MessageProcessor, orderingKey } from './message-processor';
import { resolveMessagingOptions } from './messaging.options';
import { NO_METRICS } from './messaging.metrics';
import { namer } from './naming';
import type { MessageContext } from './on-event.decorator';

const TRACE = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

function event(overrides: Partial<{ id: string; traceparent: string }> = {}): AnyCloudEvent {
  return createEvent({
    type: 'interaction.ended',
    tenantid: 'acme',
    source: '/tests',
    data: EVENT_DATA_EXAMPLES['interaction.ended'],
    ...overrides,
  });
}

interface FakeMsg {
  msg: JsMsg;
  settled: string[];
}

function fakeMsg(body: string, options: { subject?: string; deliveryCount?: number; traceparent?: string } = {}): FakeMsg {
  const settled: string[] = [];
  const h = natsHeaders();
  if (options.traceparent) h.set('traceparent', options.traceparent);
  const msg = {
    subject: options.subject ?? 'ns.cc.acme.interaction.ended',
    data: new TextEncoder().encode(body),
    headers: h,
    seq: 42,
    info: { stream: 'NS_CC_INTERACTIONS', streamSequence: 42, redeliveryCount: options.deliveryCount ?? 1 },
    ack: () => settled.push('ack'),
    nak: (millis?: number) => settled.push(`nak ${millis ?? 0}`),
    term: () => settled.push('term'),
  };
  return { msg: msg as unknown as JsMsg, settled };
}

function setup(handle: HandlerBinding['handle'], sendFails = false) {
  const [plan] = planConsumers('svc', [{ name: 'H.handle', types: ['interaction.ended'], handle }]);
  if (!plan) throw new Error('no plan');
  const records: DeadLetterRecord[] = [];
  const silent = { log: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
  const processor = new MessageProcessor({
    service: 'svc',
    plan,
    names: namer('ns'),
    tuning: resolveMessagingOptions({ consumers: { maxDeliver: 3, backoff: { baseMs: 100, maxMs: 1000 } } }).consumers,
    deadLetters: {
      send: async (record) => {
        if (sendFails) throw new Error('no DLQ');
        records.push(record);
      },
    },
    metrics: NO_METRICS,
    logger: silent,
    random: () => 1,
  });
  return { processor, records };
}

async function run(processor: MessageProcessor, msg: JsMsg): Promise<void> {
  const classified = processor.classify(msg);
  if (classified.kind === 'skip') processor.skip(msg, classified);
  else await processor.process(msg, classified);
  // Acks go out together at the next turn of the event loop.
  await new Promise((resolve) => setImmediate(resolve));
}

describe('MessageProcessor', () => {
  it('acks after the handler resolves, inside the event context with a child of the trace', async () => {
    let seen: ContextFields | undefined;
    let ctx: MessageContext | undefined;
    const { processor } = setup(async (_event, context) => {
      seen = RequestContext.current();
      ctx = context;
    });
    const e = event({ traceparent: TRACE });
    const { msg, settled } = fakeMsg(JSON.stringify(e), { traceparent: TRACE });
    await run(processor, msg);
    expect(settled).toEqual(['ack']);
    expect(seen).toMatchObject({ tenantId: 'acme', eventId: e.id, interactionId: 'int-1' });
    expect(parseTraceparent(seen?.traceparent)?.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(seen?.traceparent).not.toBe(TRACE);
    expect(ctx).toMatchObject({ subject: 'ns.cc.acme.interaction.ended', deliveryCount: 1, streamSequence: 42 });
    expect(ctx?.headers['traceparent']).toBe(TRACE);
  });

  it('skips (acks) types it has no handler for without decoding them', async () => {
    const handle = jest.fn(async () => undefined);
    const { processor, records } = setup(handle);
    const { msg, settled } = fakeMsg('not even json', { subject: 'ns.cc.acme.interaction.created' });
    await run(processor, msg);
    expect(settled).toEqual(['ack']);
    expect(handle).not.toHaveBeenCalled();
    expect(records).toHaveLength(0);
  });

  it('sends the acks of one turn of the event loop together, after it', async () => {
    const { processor } = setup(async () => undefined);
    const sent: string[] = [];
    const msgs = ['a', 'b', 'c'].map((name) => {
      const { msg } = fakeMsg('not even json', { subject: 'ns.cc.acme.interaction.created' });
      (msg as { ack: () => void }).ack = () => sent.push(name);
      return msg;
    });
    for (const msg of msgs) {
      const classified = processor.classify(msg);
      if (classified.kind === 'skip') processor.skip(msg, classified);
    }
    expect(sent).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent).toEqual(['a', 'b', 'c']);
  });

  it('dead-letters and terms a body that is not JSON', async () => {
    const { processor, records } = setup(async () => undefined);
    const { msg, settled } = fakeMsg('{nope');
    await run(processor, msg);
    expect(settled).toEqual(['term']);
    expect(records[0]).toMatchObject({ reason: 'invalid', payload: '{nope', consumer: 'svc-cc_interactions', error: { code: 'MESSAGING.INVALID_JSON' } });
  });

  it('dead-letters an event that breaks its contract, with the issues', async () => {
    const { processor, records } = setup(async () => undefined);
    const bad = { ...event(), data: { interactionId: 'int-1', reason: 'bored' } };
    const { msg, settled } = fakeMsg(JSON.stringify(bad));
    await run(processor, msg);
    expect(settled).toEqual(['term']);
    expect(records[0]?.error.issues?.[0]?.path).toBe('data.reason');
    expect(records[0]?.eventId).toBe(bad.id);
  });

  it('dead-letters an event published on a subject of another tenant', async () => {
    const { processor, records } = setup(async () => undefined);
    const { msg, settled } = fakeMsg(JSON.stringify(event()), { subject: 'ns.cc.other.interaction.ended' });
    await run(processor, msg);
    expect(settled).toEqual(['term']);
    expect(records[0]?.error.code).toBe('MESSAGING.SUBJECT_MISMATCH');
  });

  it('naks a retryable failure with backoff', async () => {
    const { processor } = setup(async () => {
      throw new TransientError('db down');
    });
    const { msg, settled } = fakeMsg(JSON.stringify(event()), { deliveryCount: 2 });
    await run(processor, msg);
    expect(settled).toEqual(['nak 200']);
  });

  it('dead-letters a non-retryable failure at once', async () => {
    const { processor, records } = setup(async () => {
      throw new AppError('no such queue', { code: 'ROUTING.UNKNOWN_QUEUE' });
    });
    const { msg, settled } = fakeMsg(JSON.stringify(event()));
    await run(processor, msg);
    expect(settled).toEqual(['term']);
    expect(records[0]).toMatchObject({ reason: 'poison', error: { code: 'ROUTING.UNKNOWN_QUEUE', message: 'no such queue' } });
  });

  it('dead-letters a retryable failure on the last delivery', async () => {
    const { processor, records } = setup(async () => {
      throw new Error('still broken');
    });
    const { msg, settled } = fakeMsg(JSON.stringify(event()), { deliveryCount: 3 });
    await run(processor, msg);
    expect(settled).toEqual(['term']);
    expect(records[0]).toMatchObject({ reason: 'max_deliveries', deliveryCount: 3 });
  });

  it('gives up without running the handler when the last delivery never completed', async () => {
    const handle = jest.fn(async () => undefined);
    const { processor, records } = setup(handle);
    const { msg, settled } = fakeMsg(JSON.stringify(event()), { deliveryCount: 4 });
    await run(processor, msg);
    expect(handle).not.toHaveBeenCalled();
    expect(settled).toEqual(['term']);
    expect(records[0]?.error.code).toBe('MESSAGING.DELIVERIES_EXHAUSTED');
  });

  it('naks instead of terming when the dead letter cannot be stored', async () => {
    const { processor } = setup(async () => undefined, true);
    const { msg, settled } = fakeMsg('{nope');
    await run(processor, msg);
    expect(settled).toEqual(['nak 100']);
  });

  it('survives a closed connection while settling', async () => {
    const { processor } = setup(async () => undefined);
    const { msg } = fakeMsg(JSON.stringify(event()));
    (msg as { ack: () => void }).ack = () => {
      throw new Error('CONNECTION_CLOSED');
    };
    await expect(run(processor, msg)).resolves.toBeUndefined();
  });
});

describe('orderingKey', () => {
  it('prefers the subject, then the interaction, then the agent, then the event id', () => {
    const ended = event();
    expect(orderingKey(ended)).toBe('int-1');
    expect(orderingKey({ ...ended, subject: 'case-9' })).toBe('case-9');
    const { subject: _s, ...noSubject } = ended;
    expect(orderingKey(noSubject as AnyCloudEvent)).toBe('int-1');
    const agent = createEvent({ type: 'agent.state_changed', tenantid: 'acme', source: '/t', data: EVENT_DATA_EXAMPLES['agent.state_changed'] });
    const { subject: _a, ...agentNoSubject } = agent;
    expect(orderingKey(agentNoSubject as AnyCloudEvent)).toBe('agent-7');
  });
});
