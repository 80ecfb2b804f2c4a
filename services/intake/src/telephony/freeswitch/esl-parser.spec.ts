import { sampleBytes, sampleNames } from '../../../test/samples';
import { mapFreeswitchEvent } from './esl-mapper';
import { EslParser, parsePlainEvent, type EslFrame } from './esl-parser';

const context = { tenantId: 'acme', defaultQueueId: 'support', now: new Date('2025-03-01T09:00:00Z') };

describe('FreeSWITCH event socket parsing on the published samples', () => {
  const samples = sampleNames('freeswitch', /^CHANNEL_.*\.txt$/);

  /** Samples that are plain events (whole, or a dumped frame); the others are documentation fragments (HTML, C source, partial dumps). */
  const events: Record<string, string> = {
    'CHANNEL_ANSWER_example1.txt': 'CHANNEL_ANSWER',
    'CHANNEL_ANSWER_example2.txt': 'CHANNEL_ANSWER',
    'CHANNEL_APPLICATION_example2.txt': 'CHANNEL_APPLICATION',
    'CHANNEL_BRIDGE_example1.txt': 'CHANNEL_BRIDGE',
    'CHANNEL_CALLSTATE_example4.txt': 'CHANNEL_CALLSTATE',
    'CHANNEL_CREATE_example1.txt': 'CHANNEL_CREATE',
    'CHANNEL_EXECUTE_COMPLETE_example1.txt': 'CHANNEL_EXECUTE_COMPLETE',
    'CHANNEL_HANGUP_COMPLETE_example1.txt': 'CHANNEL_HANGUP_COMPLETE',
    'CHANNEL_HOLD_example1.txt': 'CHANNEL_HOLD',
    'CHANNEL_STATE_example1.txt': 'CHANNEL_STATE',
    'CHANNEL_UNHOLD_example1.txt': 'CHANNEL_UNHOLD',
    'CHANNEL_UUID_example1.txt': 'CHANNEL_UUID',
  };

  it.each(samples)('reads %s as the event it shows, or as no event at all', (name) => {
    const headers = parsePlainEvent(sampleBytes('freeswitch', name).toString('utf8'));
    expect(headers['Event-Name']).toBe(events[name]);
    if (!events[name]) expect(mapFreeswitchEvent(headers, context)).toEqual({ ignored: 'not a FreeSWITCH event (no Event-Name)' });
  });

  it('URL-decodes values and ignores padding, the RECV EVENT line and the SDP lines', () => {
    const hangup = parsePlainEvent(sampleBytes('freeswitch', 'CHANNEL_HANGUP_COMPLETE_example1.txt').toString('utf8'));
    expect(hangup['Hangup-Cause']).toBe('NORMAL_CLEARING');
    expect(hangup['variable_duration']).toBe('20');
    expect(hangup['variable_switch_r_sdp']).toBe('v=0');
    const answer = parsePlainEvent(sampleBytes('freeswitch', 'CHANNEL_ANSWER_example1.txt').toString('utf8'));
    expect(answer['Caller-Caller-ID-Name']).toBe('Extension 100');
    expect(answer['Channel-Name']).toBe('sofia/internal/sip:1000@192.168.1.11:5062');
  });

  it('frames a byte stream by Content-Length, in pieces of any size', () => {
    const body = sampleBytes('freeswitch', 'CHANNEL_BRIDGE_example1.txt');
    const wire = Buffer.concat([
      Buffer.from('Content-Type: auth/request\n\n'),
      Buffer.from(`Content-Length: ${body.length}\nContent-Type: text/event-plain\n\n`),
      body,
      Buffer.from('Content-Type: command/reply\nReply-Text: +OK\n\n'),
    ]);
    for (const size of [1, 5, 64, wire.length]) {
      const frames: EslFrame[] = [];
      const parser = new EslParser((f) => frames.push(f));
      for (let i = 0; i < wire.length; i += size) parser.push(wire.subarray(i, i + size));
      expect(frames.map((f) => f.headers['Content-Type'])).toEqual(['auth/request', 'text/event-plain', 'command/reply']);
      expect(frames[1]!.body).toBe(body.toString('utf8'));
    }
  });

  it('maps channel events onto the caller leg’s interaction (README table)', () => {
    const map = (name: string) => mapFreeswitchEvent(parsePlainEvent(sampleBytes('freeswitch', name).toString('utf8')), context);
    expect(map('CHANNEL_ANSWER_example2.txt')).toEqual({ ignored: 'CHANNEL_ANSWER of the caller leg' });
    expect(map('CHANNEL_HOLD_example1.txt')).toEqual({ ignored: 'CHANNEL_HOLD without Unique-ID' });
    const hangup = map('CHANNEL_HANGUP_COMPLETE_example1.txt');
    expect('events' in hangup && hangup.events.map((e) => [e.type, e.time, e.data])).toEqual([
      [
        'interaction.created',
        '2009-10-10T00:08:06.498Z',
        {
          interactionId: 'freeswitch-e5a82e39-6dc1-4d7d-a300-aa9cd4284073',
          channel: 'voice',
          direction: 'inbound',
          queueId: 'support',
          customer: { id: '1000', phone: '1000', name: '1000' },
          externalId: 'e5a82e39-6dc1-4d7d-a300-aa9cd4284073',
          attributes: { destination: '3030', context: 'default', channel: 'sofia/internal/1000@192.168.0.2' },
        },
      ],
      ['interaction.ended', '2009-10-10T00:08:26.952Z', { interactionId: 'freeswitch-e5a82e39-6dc1-4d7d-a300-aa9cd4284073', reason: 'abandoned', durationMs: 20_000 }],
    ]);
    const bridged = parsePlainEvent(sampleBytes('freeswitch', 'CHANNEL_HANGUP_COMPLETE_example1.txt').toString('utf8'));
    const withBridge = mapFreeswitchEvent({ ...bridged, variable_bridge_epoch: '1255133290', variable_hold_accum_seconds: '4' }, context);
    expect('events' in withBridge && withBridge.events[1]!.data).toMatchObject({ reason: 'completed', holdMs: 4000 });
    expect(mapFreeswitchEvent({ ...bridged, 'Hangup-Cause': 'USER_BUSY' }, context)).toMatchObject({ events: [{}, { data: { reason: 'failed' } }] });
  });
});
