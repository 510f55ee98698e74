/**
 * Sends a command through the real SDK pipeline (so it is signed wherever signing is needed), optionally
 * rewriting the serialized request first (for what the SDK would never send), and keeps the raw answer.
 */
import { DataPipelineClient, SetTaskStatusCommand, SetTaskStatusCommandInput } from '@aws-sdk/client-data-pipeline';
import type { Command } from '@smithy/smithy-client';

interface RawRequest {
  headers: Record<string, string>;
  body?: unknown;
}

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** The SDK's error (typed for modeled errors, named after `__type` otherwise), or undefined on success. */
  readonly error?: Error & { $metadata?: { requestId?: string } };
  /** The SDK's output on success, without $metadata. */
  readonly output?: Record<string, unknown>;
}

/** SetTaskStatus with `input` as given (the SDK sends what it is given). */
export const send = (sdk: DataPipelineClient, input: Record<string, unknown>, rewrite?: (request: RawRequest) => void): Promise<Answer> =>
  sendCommand(sdk, new SetTaskStatusCommand(input as unknown as SetTaskStatusCommandInput), rewrite);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCommand = Command<any, any, any, any, any>;

export const sendCommand = async (sdk: DataPipelineClient, command: AnyCommand, rewrite?: (request: RawRequest) => void): Promise<Answer> => {
  let raw: { statusCode: number; headers: Record<string, string> } | undefined;
  if (rewrite) {
    command.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as RawRequest;
        rewrite(request);
        if (typeof request.body === 'string') request.headers['content-length'] = String(Buffer.byteLength(request.body));
        return next(args);
      },
      { step: 'build', priority: 'high', name: 'conformanceRewrite' },
    );
  }
  command.middlewareStack.add(
    (next) => async (args) => {
      const out = await next(args);
      raw = out.response as typeof raw;
      return out;
    },
    { step: 'deserialize', priority: 'low', name: 'conformanceCapture' },
  );
  try {
    const { $metadata, ...output } = (await sdk.send(command)) as { $metadata: unknown } & Record<string, unknown>;
    void $metadata;
    return { status: raw!.statusCode, headers: lower(raw!.headers), output };
  } catch (error) {
    if (!raw) throw error; // no answer at all: a network failure is not a conformance result
    return { status: raw.statusCode, headers: lower(raw.headers), error: error as Answer['error'] };
  }
};

const lower = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
