/**
 * The door says when it starts on a request and when it has done with it (DoorOptions.work), which the idle
 * collector counts (local/idle-collector.ts): done only once its handler settled, whatever the client did.
 * Two clients a hostile review wrote: one that leaves while its long poll is still being handled, and one that
 * pipelines two requests and closes at once (the second answer, queued behind the first, gets neither `finish`
 * nor `close`; counting by those left the endpoint busy forever, so it never collected again).
 */
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createHttpDoor } from '../../local/http-door';

let door: Server;
let inFlight = 0;
let begun = 0;
const pending: (() => void)[] = [];

beforeEach(async () => {
  inFlight = 0;
  begun = 0;
  door = createHttpDoor(
    // Each request is handled until the test lets it go, as a long poll is.
    () => new Promise((resolve) => pending.push(() => resolve({ statusCode: 200, headers: {}, body: '{}' }))),
    () => undefined,
    {
      work: {
        begin: () => {
          inFlight++;
          begun++;
        },
        done: () => inFlight--,
      },
    },
  );
  await new Promise<void>((resolve) => door.listen(0, '127.0.0.1', () => resolve()));
});
afterEach(async () => {
  door.closeAllConnections();
  await new Promise((resolve) => door.close(resolve));
});

const raw = (text: string) =>
  new Promise<void>((resolve) => {
    const socket = connect((door.address() as AddressInfo).port, '127.0.0.1', () => socket.end(text));
    socket.on('close', () => resolve());
    socket.on('error', () => resolve());
    socket.resume();
  });
const post = 'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: 2\r\n\r\n{}';
const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
};

it("a request whose client left is in the door's hands until its handler settles", async () => {
  const left = raw(post); // the client half-closes at once and the socket goes when the door lets it
  await until(() => pending.length === 1);
  door.closeAllConnections(); // the client is gone
  await left;
  await until(() => inFlight === 0); // (it does not come: the wait runs out)
  expect(inFlight).toBe(1); // its handler still runs
  pending.shift()!();
  await until(() => inFlight === 0);
  expect(inFlight).toBe(0);
});

it('two pipelined requests on a connection closed at once: both done once their handlers settle', async () => {
  const closed = raw(post + post);
  await until(() => pending.length >= 1);
  pending.shift()!();
  await until(() => pending.length >= 1 || inFlight === 0);
  while (pending.length > 0) pending.shift()!();
  await closed;
  await until(() => inFlight === 0);
  expect({ begun: begun > 0, inFlight }).toEqual({ begun: true, inFlight: 0 });
});
