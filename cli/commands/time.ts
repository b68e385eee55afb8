import { TimeError } from '../../core/errors.js';
import { clockHealth, describeCheckedClock, describeClock, formatAge, formatOffset } from '../../core/time/health.js';
import { DEFAULT_HTTPS_DATE_URL, parseTimeServer } from '../../core/time/server.js';
import { DEFAULT_SETTINGS, type Settings, type TimeOffsetRecord } from '../../core/vault/model.js';
import type { VaultApi } from '../../core/vault/api.js';
import type { TrustCheck } from '../../core/time/trust.js';
import { measureChecked } from '../../node/time/sync.js';
import { openVault } from '../../node/open-vault.js';
import { EXIT, parseCommandArgs, printJson, printLine, UsageError, type Command } from '../io.js';

const usage = `Usage: authdesk time [--server HOST[:PORT]]... [--https-url URL] [--sync [--accept-unverified-offset]] [--save-servers] [--json]

Measures this computer's clock against a trusted one and prints local time, trusted time,
the offset (trusted minus local: +90.012 s means your clock is 90 s slow), its uncertainty
and the source.

  --server HOST[:PORT]  NTP server to ask (repeatable, tried in order; default: the vault's
                        time servers, time.aws.com). Port 123 unless given; IPv6 as [addr]:port.
  --https-url URL       when no NTP server answers (UDP blocked), read the Date header of this
                        http(s) URL. Default without --server: ${DEFAULT_HTTPS_DATE_URL}
  --sync                store the offset in the vault: "authdesk code" and the app then add it
                        to the clock for every code ("authdesk code --no-correction" ignores it).
                        An offset beyond ±2 min from NTP or plain http is applied only when the
                        certificate-verified HTTPS Date of --https-url (https) or
                        ${DEFAULT_HTTPS_DATE_URL} agrees; otherwise it is recorded, not
                        applied, and the command exits 1 saying why
  --accept-unverified-offset
                        with --sync: apply the measured offset even though no secure source
                        confirmed it (only when you know this computer's clock is wrong)
  --save-servers        store the --server list in the vault as the time servers to use (the
                        app and "authdesk time" then ask them; the app itself only offers a
                        fixed list, so custom servers are set here)
  --json                an object: offsetMs, uncertaintyMs, source, measuredAt, localTime,
                        trustedTime, roundTripMs, samples, stored

Exit status 1 when no time source answers (the stored offset, if any, stays in use), or when
--sync measured an offset it may not apply unverified.`;

const time: Command = {
  summary: 'measure the clock against NTP (or HTTPS Date); --sync corrects codes',
  usage,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, {
      server: { type: 'string', multiple: true },
      'https-url': { type: 'string' },
      sync: { type: 'boolean' },
      'save-servers': { type: 'boolean' },
      'accept-unverified-offset': { type: 'boolean' },
      json: { type: 'boolean' },
    });
    if (positionals.length > 0) throw new UsageError(`time takes no arguments (got "${positionals[0]}"); use --server HOST[:PORT].`);
    const explicitServers = values.server ?? [];
    if (values['accept-unverified-offset'] && !values.sync) throw new UsageError('--accept-unverified-offset applies a measurement, so it needs --sync: authdesk time --sync --accept-unverified-offset.');
    if (values['save-servers'] && explicitServers.length === 0) throw new UsageError('--save-servers stores the servers given with --server; give at least one, e.g. --server time.aws.com --save-servers.');
    // A typo is reported before anything is stored or sent.
    for (const server of explicitServers) parseTimeServer(server);

    // The vault gives the configured servers and the stored offset. Only --sync needs it; a
    // plain measurement still works where the vault cannot be opened.
    let vault: VaultApi | undefined;
    let settings: Settings = DEFAULT_SETTINGS;
    try {
      vault = await openVault({ reconcile: 'skip' });
      settings = await vault.settings();
    } catch (error) {
      if (values.sync || values['save-servers']) throw error;
    }
    if (values['save-servers'] && vault) {
      settings = await vault.updateSettings({ timeServers: explicitServers });
      if (!values.json) printLine(ctx, `Time servers:  ${explicitServers.join(', ')} (saved; the app and "authdesk time" use them)`);
    }

    const servers = explicitServers.length > 0 ? explicitServers : settings.timeServers.length > 0 ? [...settings.timeServers] : DEFAULT_SETTINGS.timeServers;
    const fallback = values['https-url'] ?? (explicitServers.length > 0 ? null : DEFAULT_HTTPS_DATE_URL);

    // --https-url is the fallback when UDP is blocked, and (when https) the authenticated source
    // that may vouch for an offset beyond ±2 min; plain http never vouches (core/time/trust.ts).
    const httpsUrl = values['https-url'];
    const verifyUrl = httpsUrl?.startsWith('https://') ? httpsUrl : DEFAULT_HTTPS_DATE_URL;
    const accept = values['accept-unverified-offset'] === true;

    let outcome;
    try {
      outcome = await measureChecked({
        servers,
        httpsFallbackUrl: fallback,
        verifyUrl,
        ...(settings.timeOffset ? { current: settings.timeOffset } : {}),
        ...(accept ? { confirmedBy: 'confirmed with authdesk time --accept-unverified-offset' } : {}),
      });
    } catch (error) {
      if (error instanceof TimeError && settings.timeOffset) throw withLastGood(error, settings.timeOffset, settings.timeCorrection);
      throw error;
    }
    const { measurement, decision, check } = outcome;
    const local = Date.now();
    const { record } = measurement;
    let stored = false;
    let pendingStored = false;
    if (values.sync && vault) {
      if (decision.kind === 'apply') {
        settings = await vault.updateSettings({ timeOffset: decision.record, timeOffsetPending: undefined });
        stored = true;
      } else {
        // Recorded, not applied: the app shows the same warning and can confirm it.
        settings = await vault.updateSettings({ timeOffsetPending: decision.pending });
        pendingStored = true;
      }
    }
    const unverified = decision.kind === 'pending'
      ? clockHealth({ ...(settings.timeOffset ? { record: settings.timeOffset } : {}), pending: decision.pending, correctionEnabled: settings.timeCorrection, nowMs: Date.now() })
      : undefined;
    const refusal = unverified
      ? new TimeError('TIME_OFFSET_UNVERIFIED', `Not applied: ${unverified.headline}.${checkSentence(check)} Check this computer’s date, time and time zone, or run "authdesk time --sync --accept-unverified-offset" to use it anyway.`, { details: { offsetMs: record.offsetMs, source: record.source } })
      : undefined;
    const verification = decision.kind === 'apply' ? decision.record.verification : undefined;

    if (values.json) {
      printJson(ctx, {
        offsetMs: record.offsetMs,
        uncertaintyMs: record.uncertaintyMs,
        source: record.source,
        measuredAt: record.measuredAt,
        localTime: new Date(local).toISOString(),
        trustedTime: new Date(local + record.offsetMs).toISOString(),
        roundTripMs: Math.round(measurement.roundTripMs * 1000) / 1000,
        samples: measurement.samples,
        authenticated: measurement.authenticated,
        applies: decision.kind === 'apply',
        ...(verification ? { verification } : {}),
        ...(check ? { check } : {}),
        stored,
        pendingStored,
        correctionEnabled: settings.timeCorrection,
        ...(measurement.failures.length ? { failures: measurement.failures } : {}),
      });
      if (refusal && values.sync) throw refusal;
      return EXIT.OK;
    }

    const isNtp = record.source.startsWith('ntp:');
    printLine(ctx, `Local time:    ${new Date(local).toISOString()}`);
    printLine(ctx, `Trusted time:  ${new Date(local + record.offsetMs).toISOString()}`);
    printLine(ctx, `Offset:        ${formatOffset(record.offsetMs)} (${describeClock(record.offsetMs)})`);
    printLine(ctx, `Uncertainty:   ±${formatUncertainty(record.uncertaintyMs)}`);
    printLine(ctx, `Source:        ${record.source} (${measurement.samples} ${isNtp ? 'replies' : 'requests'}, round trip ${measurement.roundTripMs.toFixed(1)} ms)`);
    for (const failure of measurement.failures) printLine(ctx, `Skipped:       ${failure.source}: ${failure.message}`);
    if (verification && verification.source !== record.source) {
      printLine(ctx, `Verified:      ${verification.by === 'tls' ? `${verification.source} agrees (${formatOffset(verification.offsetMs)})` : verification.source}`);
    }
    if (refusal) {
      if (values.sync) throw refusal;
      printLine(ctx, `Unverified:    ${unverified!.headline}.${checkSentence(check)} "authdesk time --sync" would not apply it without --accept-unverified-offset.`);
      return EXIT.OK;
    }
    if (stored) {
      const health = clockHealth({ record: settings.timeOffset!, correctionEnabled: settings.timeCorrection, nowMs: Date.now() });
      printLine(ctx, `Saved.         ${health.headline}.`);
      if (!settings.timeCorrection) printLine(ctx, '               Time correction is off in Settings, so codes do not use it yet.');
    } else if (settings.timeOffset) {
      const age = formatAge(Math.max(0, Date.now() - Date.parse(settings.timeOffset.measuredAt)));
      printLine(ctx, `Stored:        ${formatOffset(settings.timeOffset.offsetMs)} from ${settings.timeOffset.source}, measured ${age}${settings.timeCorrection ? '' : ' (correction off)'}. Run with --sync to replace it.`);
    } else {
      printLine(ctx, 'Not saved:     run "authdesk time --sync" to correct codes by this offset.');
    }
    return EXIT.OK;
  },
};

/** What the authenticated check said, as a sentence after the headline ("" when none was made). */
function checkSentence(check: TrustCheck | undefined): string {
  if (!check) return '';
  const host = check.source.replace(/^[a-z-]+:/, '');
  if ('offsetMs' in check) return ` The secure check against ${host} says ${describeCheckedClock(check.offsetMs)}.`;
  return ` The secure check against ${host} failed: ${check.error}`.replace(/([^.])$/, '$1.');
}

/** "0.124 ms", "37 ms", "1.250 s": milliseconds while below a second, where they matter. */
function formatUncertainty(ms: number): string {
  if (ms < 10) return `${ms.toFixed(3)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(3)} s`;
}

/** The failure, plus what codes use meanwhile: one sentence more, still one line. */
function withLastGood(error: TimeError, last: TimeOffsetRecord, correctionEnabled: boolean): TimeError {
  const age = formatAge(Math.max(0, Date.now() - Date.parse(last.measuredAt)));
  const tail = correctionEnabled
    ? `Codes still use the last good offset, ${formatOffset(last.offsetMs)} measured ${age}.`
    : `The last measured offset was ${formatOffset(last.offsetMs)}, ${age} (time correction is off).`;
  return new TimeError(error.code, `${error.message} ${tail}`, { cause: error, ...(error.details ? { details: { ...error.details } } : {}) });
}

export default time;
