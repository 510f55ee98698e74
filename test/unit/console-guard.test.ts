/** The browser guard's rules (local/console/guard.ts): which Host names are this endpoint's own. */
import type { IncomingMessage } from 'node:http';
import { hostAllowed, hostNameOf, originRefusal } from '../../local/console/guard';

const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

test('a Host header names its host without the port, IPv6 in brackets too', () => {
  expect(hostNameOf('127.0.0.1:8080')).toBe('127.0.0.1');
  expect(hostNameOf('[::1]:8080')).toBe('::1');
  expect(hostNameOf('LocalHost')).toBe('localhost');
  expect(hostNameOf('')).toBeUndefined();
  expect(hostNameOf(undefined)).toBeUndefined();
});

test.each([
  ['localhost:8080', '127.0.0.1', true],
  ['app.localhost', '127.0.0.1', true],
  ['127.0.0.1:8080', '127.0.0.1', true],
  ['192.168.1.20:8080', '0.0.0.0', true],
  ['[::1]:8080', '127.0.0.1', true],
  ['pipelines.internal:8080', 'pipelines.internal', true],
  ['evil.example', '127.0.0.1', false],
  ['127.0.0.1.nip.io:8080', '127.0.0.1', false],
  ['localhost.evil.example', '127.0.0.1', false],
  ['pipelines.internal:8080', '0.0.0.0', false],
])('Host %s with --host %s: allowed %s', (host, listen, allowed) => {
  expect(hostAllowed(host, listen)).toBe(allowed);
});

test('a request with an Origin passes only from its own Host, and one without passes whatever its Host', () => {
  expect(originRefusal(req({ host: 'docker-name:8080' }), '127.0.0.1')).toBeUndefined();
  expect(originRefusal(req({ host: '127.0.0.1:8080', origin: 'http://127.0.0.1:8080' }), '127.0.0.1')).toBeUndefined();
  expect(originRefusal(req({ host: '127.0.0.1:8080', origin: 'http://localhost:8080' }), '127.0.0.1')?.status).toBe(403);
  expect(originRefusal(req({ host: '127.0.0.1:8080', origin: 'https://127.0.0.1:8080' }), '127.0.0.1')?.status).toBe(403);
  expect(originRefusal(req({ host: 'evil.example:8080', origin: 'http://evil.example:8080' }), '127.0.0.1')?.status).toBe(403);
});
