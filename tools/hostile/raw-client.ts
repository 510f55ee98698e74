/**
 * A raw awsJson 1.1 client for hostile requests: no SDK, so nothing is validated, retried or reshaped on the
 * way out, and every way a request can end is kept (an answer, a dropped connection, no answer in time).
 * The endpoint reads the access key id of the SigV4 header as the account and does not verify signatures,
 * so a fixed signature of `00` is enough to be any account.
 */
import { Agent, request } from 'node:http';

export interface RawAnswer {
  /** The HTTP status, or 0 when no complete answer came (see `dropped`, `timedOut`). */
  readonly status: number;
  /** The body parsed as JSON, or its text when it is not JSON (or was cut at the client's cap). */
  readonly body: unknown;
  /** `__type` of an error body, when there is one. */
  readonly type?: string;
  /** From the request's first byte to the answer's last. */
  readonly ms: number;
  /** Bytes of the answer's body. */
  readonly bytes: number;
  readonly requestBytes: number;
  /** Set when the connection ended without a whole answer: the error's code or message. */
  readonly dropped?: string;
  /** Set when no answer came within the client's time limit (the request was then abandoned). */
  readonly timedOut?: boolean;
}

export interface RawClientOptions {
  readonly endpoint: string;
  /** The account, as the access key id of the Authorization header; unsigned (account 000000000000) when null. */
  readonly accessKey?: string | null;
  /** A request without an answer after this long is abandoned and reported as timed out. */
  readonly timeoutMs?: number;
  readonly maxSockets?: number;
}

/** Answers larger than this are counted but not kept whole: the client must not be the process that runs out of memory. */
const MAX_KEPT_BYTES = 64 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 60_000;

const authorizationFor = (accessKey: string) =>
  `AWS4-HMAC-SHA256 Credential=${accessKey}/20260101/us-east-1/datapipeline/aws4_request, SignedHeaders=host, Signature=00`;

export class RawClient {
  readonly endpoint: string;
  readonly accessKey: string | null;
  private readonly agent: Agent;
  private readonly ownsAgent: boolean;
  private readonly timeoutMs: number;
  private readonly url: URL;

  constructor(options: RawClientOptions, agent?: Agent) {
    this.endpoint = options.endpoint;
    this.url = new URL(options.endpoint);
    this.accessKey = options.accessKey === undefined ? 'hostile' : options.accessKey;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.ownsAgent = agent === undefined;
    // With a `timeout`, Node's agent drops an idle socket a second before the server's `Keep-Alive: timeout`
    // hint (without one it ignores the hint), so a request never goes out on a socket the server is closing: a
    // reset is the server's doing, and nothing is retried (a retry would hide a connection dropped while the
    // server held the request). The timeout itself only closes idle sockets: a request in flight is bounded by
    // this client's own timer.
    this.agent = agent ?? new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 64, timeout: 60_000 });
  }

  /** Another account (access key) on the same sockets. */
  as(accessKey: string | null): RawClient {
    return new RawClient({ endpoint: this.endpoint, accessKey, timeoutMs: this.timeoutMs }, this.agent);
  }

  /** POSTs `body` (an object is serialized; a string is sent as it is) to DataPipeline.<operation>. */
  call(operation: string, body: unknown = {}, options: { timeoutMs?: number } = {}): Promise<RawAnswer> {
    const payload = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const started = performance.now();
    const headers: Record<string, string | number> = {
      'X-Amz-Target': `DataPipeline.${operation}`,
      'Content-Type': 'application/x-amz-json-1.1',
      'Content-Length': payload.length,
    };
    if (this.accessKey !== null) headers.Authorization = authorizationFor(this.accessKey);
    return new Promise((resolve) => {
      let settled = false;
      let received = 0;
      let answered = false;
      const finish = (answer: Omit<RawAnswer, 'ms' | 'requestBytes'>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ ...answer, ms: performance.now() - started, requestBytes: payload.length });
      };
      const req = request({ host: this.url.hostname, port: this.url.port || 80, method: 'POST', path: '/', headers, agent: this.agent }, (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received <= MAX_KEPT_BYTES) chunks.push(chunk);
        });
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON (or cut at the cap): the text is the body
          }
          const type =
            typeof parsed === 'object' && parsed !== null && typeof (parsed as { __type?: unknown }).__type === 'string'
              ? (parsed as { __type: string }).__type
              : undefined;
          finish({ status: res.statusCode ?? 0, body: parsed, bytes: received, ...(type !== undefined && { type }) });
        });
        // The answer began but its connection ended before the last byte.
        res.on('aborted', () =>
          finish({ status: 0, body: undefined, bytes: received, dropped: `answer cut after ${received} bytes (status ${res.statusCode})` }),
        );
        res.on('error', (err: NodeJS.ErrnoException) => finish({ status: 0, body: undefined, bytes: received, dropped: err.code ?? err.message }));
      });
      const timer = setTimeout(() => {
        finish({ status: 0, body: undefined, bytes: received, timedOut: true });
        req.destroy();
      }, timeoutMs);
      req.on('error', (err: NodeJS.ErrnoException) => {
        const where = answered ? 'while the answer came' : req.reusedSocket ? 'before an answer, on a kept-alive socket' : 'before an answer';
        finish({ status: 0, body: undefined, bytes: received, dropped: `${err.code ?? err.message} ${where}` });
      });
      req.end(payload);
    });
  }

  destroy(): void {
    if (this.ownsAgent) this.agent.destroy();
  }
}

/** One line for a report: status and type, or how the request failed. */
export const describeAnswer = (a: RawAnswer): string => {
  if (a.timedOut) return `no answer within the client's limit (${Math.round(a.ms)} ms)`;
  if (a.dropped !== undefined) return `connection dropped: ${a.dropped}`;
  const message = typeof a.body === 'object' && a.body !== null ? (a.body as { message?: unknown }).message : undefined;
  return `${a.status}${a.type ? ` ${a.type}` : ''}${typeof message === 'string' ? `: ${message.slice(0, 300)}` : ''}`;
};
