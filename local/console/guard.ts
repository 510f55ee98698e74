/**
 * What keeps a web page elsewhere from using the endpoint through the browser of the person running it: the
 * console can change state (rerun, cancel, activate), and so can the API.
 * - No CORS: no answer carries Access-Control-Allow-*, so another origin's scripts can neither read an answer
 *   nor send the API's headers (X-Amz-Target needs a preflight, which gets a 404).
 * - A request with an `Origin` (a browser sends one with every POST) must come from the page's own origin:
 *   `http://<its Host>`, with that Host allowed. SDKs and the CLI send no Origin and are not affected.
 * - The console's pages are served only for an allowed `Host`, against DNS rebinding (a name of the attacker's
 *   that resolves to 127.0.0.1 makes its page same-origin with this one): as Vite's dev server does, the allowed
 *   hosts are `localhost` and its subdomains, IP literals, and the name given to `--host`.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/** The host name of a `Host` header (`[::1]:8080` -> `::1`), lower case; undefined when there is none. */
export const hostNameOf = (host: string | undefined): string | undefined => {
  if (host === undefined || host === '') return undefined;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(host);
  if (bracketed) return bracketed[1].toLowerCase();
  return host.replace(/:\d+$/, '').toLowerCase();
};

/** Whether a page served for `host` is this endpoint's own, not a name somebody else pointed at it. */
export const hostAllowed = (host: string | undefined, listenHost: string): boolean => {
  const name = hostNameOf(host);
  if (name === undefined) return false;
  return name === 'localhost' || name.endsWith('.localhost') || isIP(name) !== 0 || name === listenHost.toLowerCase();
};

export type Refusal = { readonly status: 403; readonly message: string };

/** For a request with an `Origin`: refused unless that origin is this endpoint at an allowed host. */
export const originRefusal = (req: IncomingMessage, listenHost: string): Refusal | undefined => {
  const origin = req.headers.origin;
  if (origin === undefined) return undefined;
  const host = req.headers.host;
  if (!hostAllowed(host, listenHost) || origin !== `http://${host}`) {
    return {
      status: 403,
      message: `Requests from the web origin ${JSON.stringify(origin.slice(0, 200))} are refused: only this endpoint's own console (http://${(host ?? '').slice(0, 200)}) may call it from a browser.`,
    };
  }
  return undefined;
};

/** For a console page or asset: refused unless `Host` is allowed. */
export const hostRefusal = (req: IncomingMessage, listenHost: string): Refusal | undefined =>
  hostAllowed(req.headers.host, listenHost)
    ? undefined
    : {
        status: 403,
        message: `Host ${JSON.stringify((req.headers.host ?? '').slice(0, 200))} is not allowed: open the console at http://127.0.0.1 or http://localhost, or start with --host <that name>.`,
      };
