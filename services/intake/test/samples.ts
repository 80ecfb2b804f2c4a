import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The published telephony samples (../shared/data/telephony), read byte for byte. */
export const TELEPHONY_SAMPLES = join(__dirname, '../../../../shared/data/telephony');

export function sampleBytes(vendor: 'asterisk' | 'freeswitch' | 'amazon_connect', name: string): Buffer {
  return readFileSync(join(TELEPHONY_SAMPLES, vendor, name));
}

export function sampleNames(vendor: 'asterisk' | 'freeswitch' | 'amazon_connect', pattern: RegExp): string[] {
  return readdirSync(join(TELEPHONY_SAMPLES, vendor))
    .filter((name) => pattern.test(name))
    .sort();
}

/**
 * An AMI event from the field template published in the Asterisk 16 documentation
 * (ami_event_syntax_asterisk16_docs.txt), each `<value>` filled from `values` (empty when not given),
 * with CRLF line ends as on the wire.
 */
export function amiFromTemplate(event: string, values: Record<string, string>): string {
  const text = sampleBytes('asterisk', 'ami_event_syntax_asterisk16_docs.txt').toString('utf8');
  const start = text.indexOf(`\nEvent: ${event}\n`);
  if (start < 0) throw new Error(`No template for ${event}`);
  const end = text.indexOf('\n\n', start + 1);
  const lines = text.slice(start + 1, end < 0 ? undefined : end).split('\n');
  return lines.map((line) => line.replace(/^([^:]+): <value>$/, (_m, key: string) => `${key}: ${values[key] ?? ''}`)).join('\r\n') + '\r\n\r\n';
}
