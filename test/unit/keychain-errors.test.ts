// How native keyring failures become KeychainErrors. The messages are the ones the library and
// gnome-keyring were seen to produce here (the vanished-item one came from parallel e2e runs).
import { describe, expect, it } from 'vitest';
import { mapKeychainError } from '../../node/keychain.js';

describe('mapKeychainError', () => {
  const cases: Array<[string, string]> = [
    ["DBus error: No such interface 'org.freedesktop.Secret.Item' on object at path /org/freedesktop/secrets/collection/login/40", 'KEYCHAIN_CHANGED'],
    ['Object does not exist at path “/org/freedesktop/secrets/collection/login/7”', 'KEYCHAIN_CHANGED'],
    ['Platform secure storage failure: DBus error: Failed to connect to socket /run/user/0/bus: No such file or directory', 'KEYCHAIN_UNAVAILABLE'],
    ['org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided by any .service files', 'KEYCHAIN_UNAVAILABLE'],
    ['Did not receive a reply. Possible causes include: the remote application did not send a reply', 'KEYCHAIN_TIMEOUT'],
    ['Cannot create an item in a locked collection', 'KEYCHAIN_LOCKED'],
    // gnome-keyring crashed with the call in flight (a client SIGKILLed while opening its session
    // takes it down): from a search, and from an Entry's constructor. Both must read as "gone".
    ['zbus error: org.freedesktop.DBus.Error.NoReply: Message recipient disconnected from message bus without replying', 'KEYCHAIN_UNAVAILABLE'],
    ['Platform failure: DBus error: Message recipient disconnected from message bus without replying', 'KEYCHAIN_UNAVAILABLE'],
    ['zbus fdo error: org.freedesktop.DBus.Error.UnknownMethod: No such interface “org.freedesktop.DBus.Properties” on object at path /org/freedesktop/secrets/collection/login/10', 'KEYCHAIN_CHANGED'],
  ];
  it('a daemon that quit mid-call says so, not "no keychain service is running"', () => {
    const mapped = mapKeychainError(new Error('Platform failure: DBus error: Message recipient disconnected from message bus without replying'), 'list its secret keys');
    expect(mapped.message).toMatch(/quit while Authdesk was using it/);
  });
  it.each(cases)('%s -> %s', (message, code) => {
    const mapped = mapKeychainError(new Error(message), 'read a secret key');
    expect(mapped.code).toBe(code);
    expect(mapped.message).toMatch(/\.$/);
    expect(mapped.message).not.toContain('DBus error');
  });
});
