/** One frame of the FreeSWITCH event socket: its headers and, when it had a Content-Length, its body. */
export interface EslFrame {
  headers: Record<string, string>;
  body?: string;
}

const HEADER_END = Buffer.from('\n\n');
const MAX_FRAME = 4 * 1024 * 1024;

/**
 * Splits the event socket byte stream into frames: `Key: value` header lines ended by an empty line,
 * then `Content-Length` bytes of body when the headers announce one.
 */
export class EslParser {
  private buffer: Buffer = Buffer.alloc(0);

  constructor(private readonly onFrame: (frame: EslFrame) => void) {}

  reset(): void {
    this.buffer = Buffer.alloc(0);
  }

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      // Tolerate stray line breaks between frames.
      let start = 0;
      while (start < this.buffer.length && (this.buffer[start] === 0x0a || this.buffer[start] === 0x0d)) start++;
      if (start > 0) this.buffer = this.buffer.subarray(start);
      const end = this.buffer.indexOf(HEADER_END);
      if (end < 0) break;
      const headers = parseHeaderLines(this.buffer.subarray(0, end).toString('utf8'));
      const length = Number(headers['Content-Length'] ?? 0);
      if (!Number.isInteger(length) || length < 0 || length > MAX_FRAME) throw new Error(`invalid Content-Length ${headers['Content-Length']}`);
      const bodyStart = end + HEADER_END.length;
      if (this.buffer.length < bodyStart + length) break;
      const body = length > 0 ? this.buffer.subarray(bodyStart, bodyStart + length).toString('utf8') : undefined;
      this.buffer = this.buffer.subarray(bodyStart + length);
      this.onFrame(body === undefined ? { headers } : { headers, body });
    }
    if (this.buffer.length > MAX_FRAME) throw new Error(`an event socket frame exceeds ${MAX_FRAME} bytes`);
  }
}

function parseHeaderLines(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const header = headerLine(line);
    if (header && !(header[0] in headers)) headers[header[0]] = header[1];
  }
  return headers;
}

/** `Key: value` (keys of letters, digits, `-` and `_`; surrounding blanks ignored), else undefined. */
function headerLine(line: string): [string, string] | undefined {
  const match = /^\s*([A-Za-z0-9_-]+):[ \t]*(.*?)\s*$/.exec(line);
  return match?.[1] !== undefined && match[2] !== undefined ? [match[1], match[2]] : undefined;
}

/**
 * The headers of a `text/event-plain` body, URL-decoded. Lines that are not `Key: value` are skipped; an
 * empty line ends the headers only when the event announces a body of its own (`Content-Length` after
 * `Event-Name`), so a dumped frame (`Content-Length`, `Content-Type`, empty line, event) reads as its event.
 */
export function parsePlainEvent(body: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of body.split(/\r?\n/)) {
    if (line.trim() === '') {
      if ('Event-Name' in headers && 'Content-Length' in headers) break;
      continue;
    }
    const header = headerLine(line);
    if (header && !(header[0] in headers)) headers[header[0]] = decode(header[1]);
  }
  return headers;
}

function decode(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
