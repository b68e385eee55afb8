import { describe, expect, it } from 'vitest';
import { isAuthdeskError } from '../../core/errors.js';
import { newVaultDocument, parseVaultDocument, serializeVaultDocument } from '../../core/vault/document.js';
import { DEFAULT_SETTINGS } from '../../core/vault/model.js';
import { defaultDataDir } from '../../node/data-dir.js';

const account = {
  id: 'acct000000001', type: 'totp', issuer: 'Example', label: 'alice', algorithm: 'SHA1', digits: 6, period: 30,
  status: 'active', createdAt: '2026-01-02T03:04:05.000Z', order: 0,
};
const doc = (over: Record<string, unknown> = {}) => JSON.stringify({ format: 'authdesk-vault', version: 1, vaultId: 'vault0000001', accounts: [account], settings: {}, ...over });

function codeOf(text: string): string {
  try {
    parseVaultDocument(text, '/x/vault.json');
    return 'ok';
  } catch (error) {
    if (!isAuthdeskError(error)) throw error;
    expect(error.message).toContain('/x/vault.json');
    return error.code;
  }
}

describe('vault document', () => {
  it('round-trips a new document and fills default settings', () => {
    const d = newVaultDocument('vault0000001');
    expect(parseVaultDocument(serializeVaultDocument(d))).toEqual(d);
    expect(parseVaultDocument(doc()).settings).toEqual(DEFAULT_SETTINGS);
    expect(parseVaultDocument(doc()).accounts[0]).toEqual(account);
  });

  it.each([
    ['empty file', '', 'VAULT_CORRUPT'],
    ['truncated JSON', doc().slice(0, 60), 'VAULT_CORRUPT'],
    ['not our format', JSON.stringify({ format: 'aegis', version: 1 }), 'VAULT_CORRUPT'],
    ['JSON array', '[]', 'VAULT_CORRUPT'],
    ['no version', doc({ version: undefined }), 'VAULT_CORRUPT'],
    ['version 0', doc({ version: 0 }), 'VAULT_CORRUPT'],
    ['newer version', doc({ version: 2 }), 'VAULT_TOO_NEW'],
    ['bad vault id', doc({ vaultId: '../../etc' }), 'VAULT_CORRUPT'],
    ['accounts missing', doc({ accounts: undefined }), 'VAULT_CORRUPT'],
    ['duplicate id', doc({ accounts: [account, account] }), 'VAULT_CORRUPT'],
    ['bad type', doc({ accounts: [{ ...account, type: 'motp' }] }), 'VAULT_CORRUPT'],
    ['bad algorithm', doc({ accounts: [{ ...account, algorithm: 'MD5' }] }), 'VAULT_CORRUPT'],
    ['digits 5', doc({ accounts: [{ ...account, digits: 5 }] }), 'VAULT_CORRUPT'],
    ['period 0', doc({ accounts: [{ ...account, period: 0 }] }), 'VAULT_CORRUPT'],
    ['hotp without counter', doc({ accounts: [{ ...account, type: 'hotp' }] }), 'VAULT_CORRUPT'],
    ['negative counter', doc({ accounts: [{ ...account, type: 'hotp', counter: -1 }] }), 'VAULT_CORRUPT'],
    ['bad status', doc({ accounts: [{ ...account, status: 'deleted' }] }), 'VAULT_CORRUPT'],
    ['bad date', doc({ accounts: [{ ...account, createdAt: 'yesterday' }] }), 'VAULT_CORRUPT'],
    ['bad setting', doc({ settings: { theme: 42 } }), 'VAULT_CORRUPT'],
    ['bad offset', doc({ settings: { timeOffset: { offsetMs: 'x' } } }), 'VAULT_CORRUPT'],
    ['valid hotp', doc({ accounts: [{ ...account, type: 'hotp', counter: 7 }] }), 'ok'],
  ])('%s -> %s', (_name, text, expected) => {
    expect(codeOf(text)).toBe(expected);
  });

  it('never quotes file content in the error (it could hold anything)', () => {
    const error = (() => {
      try {
        parseVaultDocument('{"format": "authdesk-vault", SECRETSTUFF', 'vault.json');
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error?.message).not.toContain('SECRETSTUFF');
  });

  it('drops unknown settings and keeps known ones', () => {
    const parsed = parseVaultDocument(doc({ settings: { theme: 'dark', futureThing: 1, awsProfile: 'dev' } }));
    expect(parsed.settings).toEqual({ ...DEFAULT_SETTINGS, theme: 'dark', awsProfile: 'dev' });
  });
});

describe('data directory', () => {
  it('AUTHDESK_DATA_DIR wins and is made absolute', () => {
    expect(defaultDataDir({ AUTHDESK_DATA_DIR: '/tmp/x' }, 'linux', '/home/a')).toBe('/tmp/x');
    expect(defaultDataDir({ AUTHDESK_DATA_DIR: 'rel' }, 'linux', '/home/a')).toBe(`${process.cwd()}/rel`);
  });

  it('matches Electron\'s userData for productName "Authdesk"', () => {
    expect(defaultDataDir({}, 'linux', '/home/a')).toBe('/home/a/.config/Authdesk');
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/cfg' }, 'linux', '/home/a')).toBe('/cfg/Authdesk');
    expect(defaultDataDir({ XDG_CONFIG_HOME: 'relative' }, 'linux', '/home/a')).toBe('/home/a/.config/Authdesk');
    expect(defaultDataDir({}, 'darwin', '/Users/a')).toBe('/Users/a/Library/Application Support/Authdesk');
    expect(defaultDataDir({ APPDATA: 'C:/Users/a/AppData/Roaming' }, 'win32', 'C:/Users/a')).toMatch(/^C:\/Users\/a\/AppData\/Roaming[\\/]Authdesk$/);
  });
});
