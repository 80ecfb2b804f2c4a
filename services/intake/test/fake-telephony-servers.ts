import { createServer, type Server, type Socket } from 'node:net';

/** A TCP server standing in for a vendor's event socket in tests: it runs the login exchange and then replays traffic. */
abstract class FakeSocketServer {
  protected readonly server: Server;
  protected readonly sessions = new Set<Socket>();
  readonly received: string[] = [];
  logins = 0;
  port = 0;

  protected constructor() {
    this.server = createServer((socket) => this.accept(socket));
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    return this;
  }

  get connected(): number {
    return this.sessions.size;
  }

  /** Writes bytes to every logged-in session. */
  send(bytes: string | Buffer): void {
    for (const socket of this.sessions) socket.write(bytes);
  }

  /** Cuts every connection (the client must reconnect). */
  drop(): void {
    for (const socket of this.sessions) socket.destroy();
    this.sessions.clear();
  }

  async close(): Promise<void> {
    this.drop();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  protected abstract accept(socket: Socket): void;
}

/** Speaks AMI: banner, `Action: Login` answered with Success or Error, then whatever the test sends. */
export class FakeAmiServer extends FakeSocketServer {
  constructor(
    private readonly username: string,
    private readonly secret: string,
  ) {
    super();
  }

  static start(username: string, secret: string): Promise<FakeAmiServer> {
    return new FakeAmiServer(username, secret).listen();
  }

  protected accept(socket: Socket): void {
    socket.write('Asterisk Call Manager/5.0.1\r\n');
    let buffer = '';
    socket.on('error', () => undefined);
    socket.on('close', () => this.sessions.delete(socket));
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let end: number;
      while ((end = buffer.indexOf('\r\n\r\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 4);
        this.received.push(block);
        const fields = Object.fromEntries(block.split('\r\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]));
        if (fields['Action'] === 'Login') {
          this.logins++;
          if (fields['Username'] === this.username && fields['Secret'] === this.secret) {
            socket.write(`Response: Success\r\nActionID: ${fields['ActionID']}\r\nMessage: Authentication accepted\r\n\r\n`);
            this.sessions.add(socket);
          } else {
            socket.write(`Response: Error\r\nActionID: ${fields['ActionID']}\r\nMessage: Authentication failed\r\n\r\n`);
            socket.end();
          }
        } else if (fields['Action'] === 'Ping') {
          socket.write(`Response: Success\r\nActionID: ${fields['ActionID']}\r\nPing: Pong\r\nTimestamp: ${Date.now() / 1000}\r\n\r\n`);
        }
      }
    });
  }
}

/** Speaks the FreeSWITCH event socket: auth/request, `auth <password>`, `event plain …`, then event frames. */
export class FakeEslServer extends FakeSocketServer {
  constructor(private readonly password: string) {
    super();
  }

  static start(password: string): Promise<FakeEslServer> {
    return new FakeEslServer(password).listen();
  }

  /** Sends an event body as a `text/event-plain` frame (Content-Length in bytes). */
  sendEvent(body: Buffer | string): void {
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    this.send(Buffer.concat([Buffer.from(`Content-Length: ${bytes.length}\nContent-Type: text/event-plain\n\n`), bytes]));
  }

  protected accept(socket: Socket): void {
    socket.write('Content-Type: auth/request\n\n');
    let buffer = '';
    socket.on('error', () => undefined);
    socket.on('close', () => this.sessions.delete(socket));
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const command = buffer.slice(0, end).trim();
        buffer = buffer.slice(end + 2);
        this.received.push(command);
        if (command.startsWith('auth ')) {
          this.logins++;
          if (command.slice(5) === this.password) {
            socket.write('Content-Type: command/reply\nReply-Text: +OK accepted\n\n');
          } else {
            socket.write('Content-Type: command/reply\nReply-Text: -ERR invalid\n\n');
            socket.end();
          }
        } else if (command.startsWith('event plain ')) {
          socket.write('Content-Type: command/reply\nReply-Text: +OK event listener enabled plain\n\n');
          this.sessions.add(socket);
        } else {
          socket.write('Content-Type: command/reply\nReply-Text: -ERR command not found\n\n');
        }
      }
    });
  }
}
