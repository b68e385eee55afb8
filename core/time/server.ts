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

/**
 * The time servers the app's renderer may choose from, by id (docs/time.md "Choosing servers").
 * The renderer never names a host or port: a page script that could would have a way out to the
 * network (a code smuggled inside a DNS name). Custom hosts come only from the CLI
 * (`authdesk time --server HOST --save-servers`), which the renderer cannot run.
 * All are public, anycast, free, documented services; Google and Amazon smear leap seconds (up to
 * 0.5 s off UTC around one), which no TOTP service notices.
 */
export interface TimeServerPreset {
  readonly id: string;
  readonly label: string;
  readonly host: string;
}

export const TIME_SERVER_PRESETS = [
  { id: 'aws', label: 'Amazon Time Sync', host: 'time.aws.com' },
  { id: 'cloudflare', label: 'Cloudflare', host: 'time.cloudflare.com' },
  { id: 'google', label: 'Google Public NTP', host: 'time.google.com' },
  { id: 'apple', label: 'Apple', host: 'time.apple.com' },
  { id: 'microsoft', label: 'Microsoft', host: 'time.windows.com' },
  { id: 'ntp-pool', label: 'NTP Pool Project', host: 'pool.ntp.org' },
] as const satisfies readonly TimeServerPreset[];

export type TimeServerPresetId = (typeof TIME_SERVER_PRESETS)[number]['id'];
export const TIME_SERVER_PRESET_IDS = TIME_SERVER_PRESETS.map((p) => p.id) as readonly TimeServerPresetId[] as readonly [TimeServerPresetId, ...TimeServerPresetId[]];

/** Preset ids -> host names, in the order given, without repeats. */
export function presetHosts(ids: readonly TimeServerPresetId[]): string[] {
  const hosts: string[] = [];
  for (const id of ids) {
    const preset = TIME_SERVER_PRESETS.find((p) => p.id === id);
    if (!preset) throw new InputError('TIME_SERVER_UNKNOWN', `"${id}" is not one of Authdesk's time servers.`, { details: { id } });
    if (!hosts.includes(preset.host)) hosts.push(preset.host);
  }
  return hosts;
}

/** The preset a configured server is, if any (a host equal to a preset's, port 123 or none). */
export function presetOf(server: string): TimeServerPreset | undefined {
  const bare = server.trim().toLowerCase().replace(/\.$/, '').replace(/:123$/, '');
  return TIME_SERVER_PRESETS.find((p) => p.host === bare);
}
