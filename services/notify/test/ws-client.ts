import { WebSocket } from 'ws';

/** A WebSocket test client that records every message it receives. */
export class RecordingClient {
  readonly messages: Record<string, unknown>[] = [];
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => this.messages.push(JSON.parse(data.toString('utf8')) as Record<string, unknown>));
  }

  static connect(url: string, token: string, query = '', options: { autoPong?: boolean } = {}): Promise<RecordingClient> {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/ws?access_token=${encodeURIComponent(token)}${query}`, {
      autoPong: options.autoPong ?? true,
    });
    const client = new RecordingClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode ?? 0}`)));
    });
  }

  notifications(): Record<string, unknown>[] {
    return this.messages.filter((m) => m['type'] === 'notification');
  }

  send(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.readyState === WebSocket.CLOSED) return resolve();
      this.socket.once('close', () => resolve());
      this.socket.terminate();
    });
  }
}

/** Status code of a refused upgrade. */
export function refusedStatus(url: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}${path}`);
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('open', () => reject(new Error('upgrade unexpectedly accepted')));
    ws.once('error', () => undefined);
  });
}
