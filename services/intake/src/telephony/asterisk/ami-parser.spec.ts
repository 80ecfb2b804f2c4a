import { sampleBytes, sampleNames } from '../../../test/samples';
import { AmiParser, type AmiMessage } from './ami-parser';

function parseAll(chunks: (string | Buffer)[]): { messages: AmiMessage[]; banners: string[] } {
  const messages: AmiMessage[] = [];
  const banners: string[] = [];
  const parser = new AmiParser((m) => messages.push(m), (b) => banners.push(b));
  for (const chunk of chunks) parser.push(chunk);
  return { messages, banners };
}

describe('AmiParser on the published AMI traffic', () => {
  const files = sampleNames('asterisk', /^(ami_(?!event_syntax).*\.txt|panoramisk_.*\.yaml)$/);

  it.each(files)('reads every event of %s, whole or in small pieces, with LF or CRLF line ends', (name) => {
    const bytes = sampleBytes('asterisk', name);
    const text = bytes.toString('utf8');
    const expected = (text.match(/^Event: /gm) ?? []).length;
    // The dumps end with the last message's final line; the empty line that ends it on the wire follows.
    const whole = parseAll([bytes, '\n\n']).messages;
    expect(whole.filter((m) => m['Event'] !== undefined)).toHaveLength(expected);
    const pieces: (Buffer | string)[] = [];
    for (let i = 0; i < bytes.length; i += 7) pieces.push(bytes.subarray(i, i + 7));
    expect(parseAll([...pieces, '\n\n']).messages).toEqual(whole);
    const crlf = Buffer.from(`Asterisk Call Manager/5.0.1\r\n${text.replace(/\n/g, '\r\n')}\r\n\r\n`);
    const wire = parseAll([crlf]);
    expect(wire.banners).toEqual(['Asterisk Call Manager/5.0.1']);
    expect(wire.messages.filter((m) => m['Event'] !== undefined)).toHaveLength(expected);
  });

  it('keeps the first value of a repeated key, trims values and skips lines that are not Key: value', () => {
    const { messages } = parseAll(['Event: Hangup\r\nUniqueid:  1.2 \r\nnot a header\r\nUniqueid: 3.4\r\nCause-txt: Normal Clearing\r\n\r\n']);
    expect(messages).toEqual([{ Event: 'Hangup', Uniqueid: '1.2', 'Cause-txt': 'Normal Clearing' }]);
  });
});
