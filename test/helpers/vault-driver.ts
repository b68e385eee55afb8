/**
 * A child-process driver for vault integration tests (bundled by vault-build.ts with esbuild, run
 * with plain `node`). Every result is one JSON line on stdout; errors are {"error": {...}} + exit 1.
 *   add <secret> <issuer> <label>   add one TOTP account
 *   code <query>                    the code of the one account matching query
 *   list                            accounts
 *   churn                           add/remove accounts forever, logging each committed step
 *   hang <ms> <pid>                 keychain reads while the Secret Service (pid) is stopped
 * The data dir comes from AUTHDESK_DATA_DIR, as for the CLI.
 */
import { toUserFacing } from '../../core/errors.js';
import type { NewAccount } from '../../core/vault/api.js';
import { KeyringSecretStore } from '../../node/keychain.js';
import { openVault } from '../../node/open-vault.js';

const out = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value)}\n`);
};

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const randomSecret = (): string => Array.from({ length: 32 }, () => alphabet[Math.floor(Math.random() * 32)]).join('');

/** Mixed parameters, so a recovery that guesses SHA1/6/30 is caught. */
function mixed(label: string, n: number): NewAccount {
  const algorithm = (['SHA1', 'SHA256', 'SHA512'] as const)[n % 3] ?? 'SHA1';
  return n % 4 === 3
    ? { type: 'hotp', secret: randomSecret(), issuer: 'Churn', label, algorithm, digits: 7, period: 30, counter: 5 + n }
    : { type: 'totp', secret: randomSecret(), issuer: 'Churn', label, algorithm, digits: 6 + (n % 3), period: n % 2 ? 60 : 30 };
}

/** What the test compares a recovered account with (no secret). */
function intentOf(a: NewAccount): Record<string, unknown> {
  return { type: a.type, issuer: a.issuer, label: a.label, algorithm: a.algorithm, digits: a.digits, period: a.period, counter: a.counter, awsSerial: a.awsSerial, status: a.status ?? 'active' };
}

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  switch (command) {
    case 'add': {
      const vault = await openVault();
      const account = await vault.add({ type: 'totp', secret: args[0] ?? '', issuer: args[1] ?? '', label: args[2] ?? '', algorithm: 'SHA1', digits: 6, period: 30 });
      out({ account });
      return;
    }
    case 'code': {
      const vault = await openVault({ reconcile: 'skip' });
      const [match, ...more] = await vault.find(args[0] ?? '');
      if (!match || more.length) throw new Error('not exactly one match');
      out(await vault.code(match.id));
      return;
    }
    case 'list': {
      const vault = await openVault();
      out({ accounts: await vault.list() });
      return;
    }
    case 'churn': {
      const vault = await openVault({ reconcile: 'skip' });
      out({ ready: true });
      for (let i = 0; ; i++) {
        const accounts = await vault.list();
        const active = accounts.filter((a) => a.status === 'active');
        const r = Math.random();
        if (active.length > 6 && r < 0.45) {
          const victim = active[Math.floor(Math.random() * active.length)];
          if (!victim) continue;
          out({ removing: victim.id });
          await vault.remove(victim.id);
          out({ removed: victim.id });
        } else if (r < 0.7) {
          const inputs = [0, 1, 2].map((n) => mixed(`batch${i}-${n}`, n));
          out({ intents: inputs.map(intentOf) });
          const added = await vault.addMany(inputs);
          out({ added: added.map((a) => a.id) });
        } else {
          // Half of the single adds are AWS seeds stored pending (an enrollment before Enable).
          const input = r < 0.85 ? mixed(`one${i}`, i) : { ...mixed(`aws${i}`, 0), issuer: 'Amazon Web Services', awsSerial: `arn:aws:iam::123456789012:mfa/churn-${process.pid}-${i}`, awsUser: 'churn', status: 'pending' as const };
          out({ intents: [intentOf(input)] });
          const added = await vault.add(input);
          out({ added: [added.id] });
        }
      }
    }
    case 'hang': {
      // Warm one entry, stop the Secret Service daemon (pid from our own private session), then:
      // a read on the warm entry (our timeout must fire) and one needing a new entry (the library's).
      const timeoutMs = Number(args[0] ?? 1000);
      const pid = Number(args[1]);
      const store = new KeyringSecretStore({ timeoutMs });
      await store.get('probe/warm');
      process.kill(pid, 'SIGSTOP');
      try {
        for (const name of ['probe/warm', 'probe/cold']) {
          const started = Date.now();
          const error = await store.get(name).then(() => null, (e: unknown) => toUserFacing(e));
          out({ name, error, ms: Date.now() - started });
        }
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      return;
    }
    default:
      throw new Error(`unknown command ${String(command)}`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    out({ error: toUserFacing(error) });
    process.exit(1);
  },
);
