import { InputError } from '../errors.js';
import { NTP_DEFAULT_PORT } from './ntp.js';

export interface TimeServer {
  readonly host: string;
  readonly port: number;
}

/** The default trusted clock: Amazon Time Sync's public NTP pool (AWS's own clock for AWS MFA). */
export const DEFAULT_TIME_SERVER = 'time.aws.com';
/** When UDP 123 is blocked: any AWS HTTPS endpoint's `Date` header (1 s resolution, refined). */
export const DEFAULT_HTTPS_DATE_URL = 'https://iam.amazonaws.com/';

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?)*\.?$/i;
const IPV6 = /^[0-9a-f:.]+$/i;

/**
 * `host`, `host:port`, `[v6]`, `[v6]:port` or a bare IPv6 address -> host and port (default 123).
 * Throws an InputError that quotes what was typed.
 */
export function parseTimeServer(text: string): TimeServer {
  const input = text.trim();
  const bad = (why: string) => new InputError('TIME_SERVER_INVALID', `"${text}" is not a time server: ${why}. Use a host name or address, optionally with :PORT, e.g. time.aws.com or 127.0.0.1:11123.`, { details: { server: text } });
  if (!input) throw bad('it is empty');
  let host: string;
  let portText: string | undefined;
  const bracket = /^\[([^\]]+)\](?::(.*))?$/.exec(input);
  if (bracket) {
    host = bracket[1]!;
    portText = bracket[2];
    if (!IPV6.test(host) || !host.includes(':')) throw bad('the part in brackets is not an IPv6 address');
  } else if ((input.match(/:/g) ?? []).length > 1) {
    if (!IPV6.test(input)) throw bad('it is not a valid address');
    host = input; // a bare IPv6 address: no port possible without brackets
  } else {
    const colon = input.indexOf(':');
    host = colon < 0 ? input : input.slice(0, colon);
    portText = colon < 0 ? undefined : input.slice(colon + 1);
    if (!HOSTNAME.test(host)) throw bad('the host name has characters a host name cannot have');
  }
  let port = NTP_DEFAULT_PORT;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) throw bad('the port must be a number from 1 to 65535');
    port = Number(portText);
  }
  return { host, port };
}

/** How a server is named in a record's `source` and in messages: host:port, IPv6 in brackets. */
export function formatTimeServer(server: TimeServer): string {
  return server.host.includes(':') ? `[${server.host}]:${server.port}` : `${server.host}:${server.port}`;
}
