/** One AMI message: its `Key: value` lines (first occurrence of a key wins). */
export type AmiMessage = Record<string, string>;

const MAX_BUFFER = 1024 * 1024;

/**
 * Splits the Asterisk Manager Interface byte stream into messages: the one-line banner
 * (`Asterisk Call Manager/x.y`), then blocks of `Key: value` lines ended by an empty line. Lines end
 * with CRLF on the wire; bare LF is accepted too. Lines that are not `Key: value` are skipped.
 */
export class AmiParser {
  private buffer = '';
  private bannerSeen = false;

  constructor(
    private readonly onMessage: (message: AmiMessage) => void,
    private readonly onBanner: (banner: string) => void = () => undefined,
  ) {}

  reset(): void {
    this.buffer = '';
    this.bannerSeen = false;
  }

  push(chunk: Buffer | string): void {
    this.buffer += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    if (!this.bannerSeen) {
      const end = this.buffer.indexOf('\n');
      if (end < 0) return;
      const first = this.buffer.slice(0, end).replace(/\r$/, '');
      if (/^Asterisk Call Manager\//i.test(first)) {
        this.bannerSeen = true;
        this.buffer = this.buffer.slice(end + 1);
        this.onBanner(first);
      } else {
        this.bannerSeen = true;
      }
    }
    for (;;) {
      const match = /\r?\n\r?\n/.exec(this.buffer);
      if (!match) break;
      const block = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      const message = parseBlock(block);
      if (message) this.onMessage(message);
    }
    if (this.buffer.length > MAX_BUFFER) throw new Error(`an AMI message exceeds ${MAX_BUFFER} bytes`);
  }
}

export function parseBlock(block: string): AmiMessage | undefined {
  const message: AmiMessage = {};
  let any = false;
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim();
    if (!/^[A-Za-z0-9_-]+$/.test(key) || key in message) continue;
    message[key] = line.slice(colon + 1).trim();
    any = true;
  }
  return any ? message : undefined;
}
