// The app's approval service (node/release/service.ts) with an injected clock and timers, a real
// activity store in a temp dir, and a vault double holding two accounts; and the prompt window's plan.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createActivityStore, type ActivityStore } from '../../node/release/activity-store.js';
import { createReleaseService, type ReleaseService } from '../../node/release/service.js';
import { promptBounds, promptWindowAction } from '../../electron/main/release-prompt.js';
import { DEFAULT_SETTINGS, type Account, type Settings } from '../../core/vault/model.js';
import { RELEASE_LIMITS, type ReleasePolicy } from '../../core/release/policy.js';
import type { CallerInfo, ReleaseRequest } from '../../core/release/request.js';
import { ACTIVITY_LIMITS, type ActivityEntry } from '../../core/release/activity.js';

const account = (id: string, releasePolicy?: ReleasePolicy): Account => ({
  id, type: 'totp', issuer: 'Amazon Web Services', label: `${id}@123456789012`, algorithm: 'SHA1', digits: 6, period: 30,
  status: 'active', createdAt: '2026-01-01T00:00:00.000Z', order: 0, awsSerial: `arn:aws:iam::123456789012:mfa/${id}`, ...(releasePolicy ? { releasePolicy } : {}),
});
const verified: CallerInfo = { exe: '/usr/bin/aws-vault', pid: 100, commandLine: 'aws-vault exec prod', parentCommandLine: 'bash', verified: true };

let dir: string;
let activity: ActivityStore;
let now: number;
let timers: Array<{ fn: () => void; at: number; cleared: boolean }>;
let locked: boolean;
let accounts: Map<string, Account>;
let pendingSeen: ReleaseRequest[][];
let service: ReleaseService;

function fire(): void {
  for (const t of timers) if (!t.cleared && t.at <= now) {
    t.cleared = true;
    t.fn();
  }
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'authdesk-release-svc-'));
  activity = createActivityStore(dir);
  now = Date.UTC(2026, 11, 6, 12);
  timers = [];
  locked = false;
  pendingSeen = [];
  accounts = new Map([['ask', account('ask', { mode: 'ask' })], ['grant', account('grant', { mode: 'ask-then-allow', minutes: 10 })], ['plain', account('plain')]]);
  const settings: Settings = { ...DEFAULT_SETTINGS };
  service = createReleaseService({
    vault: {
      get: async (id) => {
        const a = accounts.get(id);
        if (!a) throw new Error('no such account');
        return a;
      },
      settings: async () => settings,
    },
    activity,
    isLocked: () => locked,
    now: () => now,
    setTimeout: (fn, ms) => {
      const t = { fn, at: now + ms, cleared: false };
      timers.push(t);
      return t;
    },
    clearTimeout: (handle) => {
      (handle as { cleared: boolean }).cleared = true;
    },
    onPendingChanged: (list) => pendingSeen.push([...list]),
  });
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function settled(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

async function lastEntry(): Promise<ActivityEntry | undefined> {
  return (await activity.read()).at(-1);
}

describe('the approval service', () => {
  it('an unanswered prompt is denied as timed-out after the prompt timeout', async () => {
    const outcome = service.handle({ accountId: 'ask', what: 'code' }, verified);
    await settled();
    expect(service.pending()).toHaveLength(1);
    now += RELEASE_LIMITS.PROMPT_TIMEOUT_MS - 1;
    fire();
    expect(service.pending()).toHaveLength(1);
    now += 1;
    fire();
    expect((await outcome).outcome).toBe('timed-out');
    expect(service.pending()).toEqual([]);
    expect(await lastEntry()).toMatchObject({ decision: 'denied', reason: 'timed-out' });
  });

  it('"ask" offers no grant, and a grant answer to it is refused', async () => {
    const outcome = service.handle({ accountId: 'ask', what: 'code' }, verified);
    await settled();
    const [request] = service.pending();
    expect(request?.grantMinutes).toBeUndefined();
    expect(() => service.answer(request!.id, { choice: 'grant', minutes: 5 })).toThrow(/allowed once or denied/);
    service.answer(request!.id, { choice: 'once' });
    expect((await outcome).outcome).toBe('allowed');
    expect(() => service.answer(request!.id, { choice: 'once' })).toThrow(/no longer waiting/);
  });

  it('an unverified caller (no peer check on this OS) is never given or matched a grant', async () => {
    const unverified = { ...verified, verified: false };
    const first = service.handle({ accountId: 'grant', what: 'code' }, unverified);
    await settled();
    expect(service.pending()[0]?.grantMinutes).toBeUndefined();
    service.answer(service.pending()[0]!.id, { choice: 'once' });
    await first;
    // A verified grant for the same exe path exists; the unverified claim still asks.
    const v = service.handle({ accountId: 'grant', what: 'code' }, verified);
    await settled();
    service.answer(service.pending()[0]!.id, { choice: 'grant', minutes: 10 });
    expect((await v).reason).toBe('granted');
    const again = service.handle({ accountId: 'grant', what: 'code' }, unverified);
    await settled();
    expect(service.pending()).toHaveLength(1);
    service.answer(service.pending()[0]!.id, { choice: 'deny' });
    expect((await again).outcome).toBe('denied');
    const fromGrant = await service.handle({ accountId: 'grant', what: 'code' }, verified);
    expect(fromGrant.reason).toBe('grant');
  });

  it('locking refuses waiting prompts and ends grants; a locked app answers "locked" at once', async () => {
    const granted = service.handle({ accountId: 'grant', what: 'code' }, verified);
    await settled();
    service.answer(service.pending()[0]!.id, { choice: 'grant', minutes: 10 });
    await granted;
    const waiting = service.handle({ accountId: 'ask', what: 'session' }, verified);
    await settled();
    locked = true;
    service.locked();
    expect((await waiting).outcome).toBe('locked');
    expect(service.grants()).toEqual([]);
    expect((await service.handle({ accountId: 'grant', what: 'code' }, verified)).outcome).toBe('locked');
    expect(service.pending()).toEqual([]);
  });

  it('a caller that goes away drops its prompt', async () => {
    const controller = new AbortController();
    const outcome = service.handle({ accountId: 'ask', what: 'code' }, verified, controller.signal);
    await settled();
    expect(service.pending()).toHaveLength(1);
    controller.abort();
    expect((await outcome).outcome).toBe('refused');
    expect(service.pending()).toEqual([]);
    expect(pendingSeen.at(-1)).toEqual([]);
  });

  it('refuses more than MAX_PENDING waiting prompts', async () => {
    const waiting = Array.from({ length: RELEASE_LIMITS.MAX_PENDING }, () => service.handle({ accountId: 'ask', what: 'code' }, verified));
    await settled();
    expect(service.pending()).toHaveLength(RELEASE_LIMITS.MAX_PENDING);
    expect((await service.handle({ accountId: 'ask', what: 'code' }, verified)).message).toMatch(/too many approval requests/);
    service.dispose();
    expect((await Promise.all(waiting)).every((o) => o.outcome === 'refused')).toBe(true);
  });

  it('an unknown account is refused without a prompt; Always needs none', async () => {
    expect((await service.handle({ accountId: 'gone', what: 'code' }, verified)).outcome).toBe('refused');
    expect((await service.handle({ accountId: 'plain', what: 'code' }, verified))).toMatchObject({ outcome: 'allowed', reason: 'policy-always' });
    expect(pendingSeen).toEqual([]);
  });
});

describe('the activity store', () => {
  it('stays bounded: past 1 MiB it keeps the newest entries within half of it', async () => {
    const big = 'x'.repeat(1000);
    const entry = (i: number): ActivityEntry => ({
      at: new Date(now + i).toISOString(), decision: 'allowed', reason: 'once', what: 'code',
      account: { id: 'a', name: `n${i}` }, program: { exe: '/bin/x', pid: i, commandLine: big, parentCommandLine: big, verified: true },
    });
    for (let i = 0; i < 600; i++) await activity.append(entry(i));
    const { statSync } = await import('node:fs');
    expect(statSync(activity.path).size).toBeLessThanOrEqual(ACTIVITY_LIMITS.MAX_BYTES);
    const kept = await activity.read();
    expect(kept.at(-1)?.program.pid).toBe(599);
    expect(kept.length).toBeLessThan(600);
    expect(statSync(activity.path).mode & 0o777).toBe(0o600);
  });
});

describe('the prompt window', () => {
  it.each([
    [1, false, 'open'], [2, true, 'keep'], [0, true, 'close'], [0, false, 'none'],
  ] as const)('%i waiting, window open %s: %s', (count, open, action) => {
    expect(promptWindowAction(count, open)).toBe(action);
  });

  it('sits in the top-right corner of the work area, inside it', () => {
    expect(promptBounds({ x: 0, y: 32, width: 1920, height: 1048 })).toEqual({ x: 1920 - 400 - 16, y: 48, width: 400, height: 300 });
    const small = promptBounds({ x: 100, y: 0, width: 300, height: 200 });
    expect(small.width).toBe(300);
    expect(small.height).toBe(200);
    expect(small.x).toBe(100);
    expect(small.y).toBe(0);
  });
});
