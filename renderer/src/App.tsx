import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { api, call, messageOf } from './api.js';
import { AccountList } from './components/AccountList.js';
import { AddSheet } from './components/AddSheet.js';
import { Dialog } from './components/Dialog.js';
import { EmptyState } from './components/EmptyState.js';
import { GearIcon, LockIcon, PlusIcon, SearchIcon, CloseIcon } from './components/Icons.js';
import { LockScreen } from './components/LockScreen.js';
import { SettingsSheet } from './components/SettingsSheet.js';
import { Toasts, type ToastMessage } from './components/Toast.js';
import { accountTitle, groupCode, searchKey, spokenCode, visibleName } from './format.js';
import { useCodes } from './hooks/useCodes.js';
import { useAuthdeskEvent } from './hooks/useEvent.js';
import { getAccountActions, getAddedViews, getHeaderItems } from './slots.js';
import type { Account, LockStatus, PublicSettings } from './types.js';

type View = { kind: 'list' } | { kind: 'add'; method?: string } | { kind: 'settings' };
type Modal =
  | { kind: 'menu'; id: string }
  | { kind: 'rename'; id: string }
  | { kind: 'delete'; id: string }
  | { kind: 'reveal'; id: string }
  | { kind: 'action'; id: string; actionId: string };

const ACTIVITY_THROTTLE_MS = 20_000;

function useTheme(theme: PublicSettings['theme'] | undefined): void {
  useEffect(() => {
    const root = document.documentElement;
    if (theme === 'light' || theme === 'dark') root.dataset.theme = theme;
    else delete root.dataset.theme;
  }, [theme]);
}

export function App() {
  const [lock, setLock] = useState<LockStatus>();
  const [settings, setSettings] = useState<PublicSettings>();
  const [accounts, setAccounts] = useState<readonly Account[]>();
  const [loadError, setLoadError] = useState<string>();
  const [query, setQuery] = useState('');
  const [selectedId, setSelectedId] = useState<string>();
  const [view, setView] = useState<View>({ kind: 'list' });
  const [modal, setModal] = useState<Modal>();
  const [toasts, setToasts] = useState<ToastMessage[]>([]);
  const [copiedId, setCopiedId] = useState<string>();
  const [hotpCodes, setHotpCodes] = useState<ReadonlyMap<string, string>>(new Map());
  const [visibleIds, setVisibleIds] = useState<readonly string[]>([]);
  const [announcement, setAnnouncement] = useState('');
  // Ids of the accounts just added, for the areas' "just added" views (slots.ts AddedView).
  const [justAdded, setJustAdded] = useState<readonly string[]>();
  const searchRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLElement>(null);
  const unlocked = lock !== undefined && !lock.locked;

  useTheme(settings?.theme);

  const notify = useCallback((text: string, tone: 'info' | 'error' = 'info') => {
    const id = Date.now() + Math.random();
    setToasts((list) => [...list.slice(-2), { id, text, tone }]);
    window.setTimeout(() => setToasts((list) => list.filter((t) => t.id !== id)), tone === 'error' ? 6000 : 2600);
  }, []);

  const loadAccounts = useCallback(async () => {
    try {
      setAccounts(await call(api().accounts.list()));
      setLoadError(undefined);
    } catch (e) {
      setLoadError(messageOf(e));
    }
  }, []);

  // Start: lock status, settings and (when unlocked: LOCKED otherwise) the accounts, all at once.
  const startedRef = useRef(false);
  useEffect(() => {
    void (async () => {
      try {
        const [status, current, list] = await Promise.all([call(api().lock.status()), call(api().settings.get()), api().accounts.list()]);
        setSettings(current);
        if (list.ok) {
          startedRef.current = true;
          setAccounts(list.value);
        }
        setLock(status);
      } catch (e) {
        setLoadError(messageOf(e));
      }
    })();
  }, []);
  useEffect(() => {
    if (unlocked) {
      // The first unlocked state comes with the list fetched above; later unlocks fetch it.
      if (startedRef.current) startedRef.current = false;
      else void loadAccounts();
    } else if (lock !== undefined) {
      setAccounts(undefined);
      setHotpCodes(new Map());
      setModal(undefined);
      setJustAdded(undefined);
    }
  }, [unlocked, loadAccounts]);

  useAuthdeskEvent('accounts.changed', () => {
    if (unlocked) void loadAccounts();
  });
  useAuthdeskEvent('settings.changed', setSettings);
  useAuthdeskEvent('lock.changed', setLock);
  useAuthdeskEvent('app.focusSearch', () => searchRef.current?.focus());

  // User activity keeps the app unlocked (throttled: one IPC per ACTIVITY_THROTTLE_MS at most).
  useEffect(() => {
    let last = 0;
    const onActivity = () => {
      const now = Date.now();
      if (now - last < ACTIVITY_THROTTLE_MS) return;
      last = now;
      void api().lock.activity();
    };
    window.addEventListener('keydown', onActivity, true);
    window.addEventListener('pointerdown', onActivity, true);
    return () => {
      window.removeEventListener('keydown', onActivity, true);
      window.removeEventListener('pointerdown', onActivity, true);
    };
  }, []);

  const filtered = useMemo(() => {
    if (!accounts) return [];
    const q = searchKey(query.trim());
    if (q === '') return accounts;
    return accounts.filter((a) => searchKey(`${a.issuer} ${a.label}`).includes(q));
  }, [accounts, query]);

  const byId = useMemo(() => new Map((accounts ?? []).map((a) => [a.id, a])), [accounts]);
  const justAddedAccounts = useMemo(() => (justAdded ?? []).flatMap((id) => byId.get(id) ?? []), [justAdded, byId]);
  const closeJustAdded = useCallback(() => {
    setJustAdded(undefined);
    // Its Done (or Esc) had focus and is gone: continue from the list.
    window.requestAnimationFrame(() => {
      if (document.activeElement === document.body) listRef.current?.querySelector<HTMLElement>('.list')?.focus();
    });
  }, []);
  const visibleTotp = useMemo(() => visibleIds.filter((id) => byId.get(id)?.type === 'totp'), [visibleIds, byId]);
  const codesState = useCodes(visibleTotp, unlocked && view.kind === 'list');
  // Codes depend on the clock offset (docs/time.md) and on settings (correction on/off) and on each
  // account's step adjustment: refetch the shown ones when any of these changes.
  useAuthdeskEvent('time.changed', codesState.refresh);
  useAuthdeskEvent('settings.changed', codesState.refresh);
  useAuthdeskEvent('accounts.changed', codesState.refresh);

  // Keep a valid selection.
  useEffect(() => {
    if (selectedId !== undefined && !filtered.some((a) => a.id === selectedId)) setSelectedId(filtered[0]?.id);
  }, [filtered, selectedId]);

  // Screen readers: announce a new code for the selected account when the period turns (not every second).
  const selectedCode = selectedId ? codesState.codes.get(selectedId) : undefined;
  useEffect(() => {
    if (!selectedCode || !selectedId) return;
    const account = byId.get(selectedId);
    if (account && document.activeElement === listRef.current?.querySelector('.list')) {
      setAnnouncement(`New code for ${accountTitle(account)}: ${spokenCode(selectedCode.code)}.`);
    }
  }, [selectedCode?.validFrom]);

  const copy = useCallback(async (id: string, next = false) => {
    const account = byId.get(id);
    try {
      const result = await call(api().clipboard.copyCode({ id, ...(next ? { next: true } : {}) }));
      setCopiedId(id);
      window.setTimeout(() => setCopiedId((c) => (c === id ? undefined : c)), 1600);
      const clears = result.clearsAt === null ? '' : ` · clears in ${Math.round((result.clearsAt - (Date.now() + codesState.skew)) / 1000)} s`;
      notify(`Copied ${next ? 'next ' : ''}code for ${account ? accountTitle(account) : 'account'}${clears}`);
    } catch (e) {
      notify(messageOf(e), 'error');
    }
  }, [byId, notify, codesState.skew]);

  const nextHotp = useCallback(async (id: string) => {
    try {
      const view = await call(api().codes.nextHotp({ id }));
      setHotpCodes((m) => new Map(m).set(id, view.code));
      const account = byId.get(id);
      setAnnouncement(`Code for ${account ? accountTitle(account) : 'account'}: ${spokenCode(view.code)}. Press Enter to copy.`);
    } catch (e) {
      notify(messageOf(e), 'error');
    }
  }, [byId, notify]);

  const move = useCallback(async (id: string, toIndex: number) => {
    if (!accounts) return;
    const order = accounts.filter((a) => a.id !== id);
    const moving = accounts.find((a) => a.id === id);
    if (!moving) return;
    order.splice(toIndex, 0, moving);
    setAccounts(order.map((a, i) => ({ ...a, order: i })));
    try {
      await call(api().accounts.reorder({ ids: order.map((a) => a.id) }));
    } catch (e) {
      notify(messageOf(e), 'error');
      void loadAccounts();
    }
  }, [accounts, notify, loadAccounts]);

  const openMenu = useCallback((id: string) => setModal({ kind: 'menu', id }), []);
  const openRename = useCallback((id: string) => setModal({ kind: 'rename', id }), []);
  const openDelete = useCallback((id: string) => setModal({ kind: 'delete', id }), []);
  const focusList = useCallback(() => listRef.current?.querySelector<HTMLElement>('.list')?.focus(), []);
  const typeToSearch = useCallback((text: string) => {
    setQuery((q) => q + text);
    searchRef.current?.focus();
  }, []);
  const onEscape = useCallback(() => {
    if (query) setQuery('');
  }, [query]);

  // Back from a sheet: focus returns to the list (or the search field when the list is empty).
  const previousView = useRef(view.kind);
  useEffect(() => {
    if (view.kind === 'list' && previousView.current !== 'list') {
      window.requestAnimationFrame(() => {
        // Something in the list area took focus already (a "just added" view): leave it there.
        if (listRef.current?.contains(document.activeElement)) return;
        const list = listRef.current?.querySelector<HTMLElement>('.list');
        if (list) list.focus();
        else listRef.current?.querySelector<HTMLElement>('.empty .button--primary')?.focus();
      });
    }
    previousView.current = view.kind;
    if (view.kind !== 'list') setJustAdded(undefined);
  }, [view.kind]);

  // Esc closes the Add and Settings sheets (dialogs handle their own Esc).
  useEffect(() => {
    if (view.kind === 'list') return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented || modal) return;
      if ((event.target as HTMLElement).closest('dialog')) return;
      event.preventDefault();
      setView({ kind: 'list' });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [view.kind, modal]);

  // Type anywhere (outside fields and dialogs) to search.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (view.kind !== 'list' || modal || !unlocked) return;
      const target = event.target as HTMLElement;
      if (target.closest('input, textarea, select, dialog, [role="listbox"]')) return;
      if (event.key === '/' || (event.key === 'f' && (event.ctrlKey || event.metaKey))) {
        event.preventDefault();
        searchRef.current?.focus();
      } else if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey && /\S/.test(event.key)) {
        event.preventDefault();
        typeToSearch(event.key);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [view.kind, modal, unlocked, typeToSearch]);

  if (loadError && !settings) {
    return <main className="fatal" role="alert"><h1>Authdesk could not start</h1><p>{loadError}</p></main>;
  }
  if (!lock || !settings) return <main className="loading" aria-busy="true" />;
  if (lock.locked) return <><LockScreen status={lock} /><Toasts toasts={toasts} /></>;

  const modalAccount = modal ? byId.get(modal.id) : undefined;
  const empty = accounts !== undefined && accounts.length === 0;

  return (
    <div className="app">
      {view.kind === 'list' ? (
        <>
          <header className="topbar">
            <div className="search">
              <SearchIcon />
              <input
                ref={searchRef}
                className="search__input"
                type="search"
                name="search"
                placeholder="Search"
                aria-label="Search accounts"
                aria-controls="account-list"
                autoComplete="off"
                spellCheck={false}
                value={query}
                disabled={empty}
                onChange={(e) => setQuery(e.target.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Escape') {
                    e.preventDefault();
                    if (query) setQuery('');
                    else focusList();
                  } else if (e.key === 'ArrowDown' || e.key === 'Enter') {
                    e.preventDefault();
                    if (filtered[0]) setSelectedId((s) => (s && filtered.some((a) => a.id === s) ? s : filtered[0]?.id));
                    focusList();
                    if (e.key === 'Enter' && filtered.length === 1 && filtered[0]) {
                      if (filtered[0].type === 'totp') void copy(filtered[0].id);
                    }
                  }
                }}
              />
              {query ? <button type="button" className="icon-button search__clear" aria-label="Clear search" onClick={() => { setQuery(''); searchRef.current?.focus(); }}><CloseIcon /></button> : null}
            </div>
            {getHeaderItems().map(({ id, View }) => <View key={id} />)}
            <button type="button" className="icon-button icon-button--accent" aria-label="Add account" title="Add account" onClick={() => setView({ kind: 'add' })}><PlusIcon /></button>
            {lock.enabled ? <button type="button" className="icon-button" aria-label="Lock now" title="Lock now" onClick={() => void api().lock.lock()}><LockIcon /></button> : null}
            <button type="button" className="icon-button" aria-label="Settings" title="Settings" onClick={() => setView({ kind: 'settings' })}><GearIcon /></button>
          </header>
          <main className="main" ref={listRef} id="account-list">
            {loadError ? <p className="banner banner--error" role="alert">{loadError}</p> : null}
            {justAddedAccounts.length > 0 && !modal ? getAddedViews(justAddedAccounts).map(({ id, View }) => <View key={id} accounts={justAddedAccounts} close={closeJustAdded} />) : null}
            {accounts === undefined ? null : empty ? (
              <EmptyState onAdd={(method) => setView(method ? { kind: 'add', method } : { kind: 'add' })} />
            ) : filtered.length === 0 ? (
              <p className="no-results">No account matches “{query}”.</p>
            ) : (
              <AccountList
                accounts={filtered}
                label={query ? `Accounts matching ${query}` : 'Accounts'}
                selectedId={selectedId}
                codes={codesState.codes}
                failures={codesState.failures}
                hotpCodes={hotpCodes}
                skew={codesState.skew}
                ticking={unlocked}
                copiedId={copiedId}
                codeVisibility={settings?.codeVisibility ?? 'shown'}
                canReorder={query.trim() === ''}
                onSelect={setSelectedId}
                onCopy={copy}
                onNextHotp={nextHotp}
                onMenu={openMenu}
                onRename={openRename}
                onDelete={openDelete}
                onMove={move}
                onVisibleChange={setVisibleIds}
                onEscape={onEscape}
                onTypeToSearch={typeToSearch}
              />
            )}
          </main>
        </>
      ) : view.kind === 'add' ? (
        <AddSheet
          {...(view.method ? { initialMethod: view.method } : {})}
          onClose={() => setView({ kind: 'list' })}
          onAdded={(added) => {
            setView({ kind: 'list' });
            setQuery('');
            setJustAdded(added.map((a) => a.id));
            void loadAccounts().then(() => setSelectedId(added.at(-1)?.id));
            notify(added.length === 1 && added[0] ? `Added ${accountTitle(added[0])}` : `Added ${added.length} accounts`);
          }}
        />
      ) : (
        <SettingsSheet settings={settings} notify={notify} onClose={() => setView({ kind: 'list' })} />
      )}

      {modal && modalAccount ? (
        <AccountModal
          modal={modal}
          account={modalAccount}
          index={accounts?.findIndex((a) => a.id === modal.id) ?? -1}
          count={accounts?.length ?? 0}
          lockEnabled={settings.lockEnabled}
          hasHotpCode={hotpCodes.has(modal.id)}
          setModal={setModal}
          onCopy={copy}
          onNextHotp={nextHotp}
          onMove={move}
          notify={notify}
          canReorder={query.trim() === ''}
        />
      ) : null}
      <div className="visually-hidden" aria-live="polite" aria-atomic="true">{announcement}</div>
      <Toasts toasts={toasts} />
    </div>
  );
}

function AccountModal(props: {
  modal: Modal;
  account: Account;
  index: number;
  count: number;
  lockEnabled: boolean;
  hasHotpCode: boolean;
  canReorder: boolean;
  setModal(modal: Modal | undefined): void;
  onCopy(id: string, next?: boolean): void;
  onNextHotp(id: string): void;
  onMove(id: string, to: number): void;
  notify(text: string, tone?: 'info' | 'error'): void;
}) {
  const { modal, account, setModal, notify } = props;
  const close = () => setModal(undefined);
  const title = accountTitle(account);
  const fullName = visibleName(account.issuer ? `${account.issuer} (${account.label})` : account.label);

  if (modal.kind === 'menu') {
    const actions = getAccountActions(account);
    const item = (label: string, run: () => void, tone?: 'danger') => (
      <li><button type="button" className={`menu__item${tone ? ' menu__item--danger' : ''}`} onClick={run}>{label}</button></li>
    );
    return (
      <Dialog title={fullName} onClose={close} className="dialog--menu">
        <ul className="menu" aria-label={`Actions for ${title}`}>
          {account.type === 'totp' ? item('Copy code', () => { close(); props.onCopy(account.id); }) : null}
          {account.type === 'totp' ? item('Copy next code', () => { close(); props.onCopy(account.id, true); }) : null}
          {account.type === 'hotp' ? item('Next code', () => { close(); props.onNextHotp(account.id); }) : null}
          {account.type === 'hotp' && props.hasHotpCode ? item('Copy code', () => { close(); props.onCopy(account.id); }) : null}
          {item('Rename…', () => setModal({ kind: 'rename', id: account.id }))}
          {props.canReorder && props.index > 0 ? item('Move up', () => { close(); props.onMove(account.id, props.index - 1); }) : null}
          {props.canReorder && props.index < props.count - 1 ? item('Move down', () => { close(); props.onMove(account.id, props.index + 1); }) : null}
          {actions.map((a) => <li key={a.id}><button type="button" className="menu__item" onClick={() => setModal({ kind: 'action', id: account.id, actionId: a.id })}>{a.label}</button></li>)}
          {item('Show secret key…', () => setModal({ kind: 'reveal', id: account.id }))}
          {item('Delete…', () => setModal({ kind: 'delete', id: account.id }), 'danger')}
        </ul>
        <div className="form__actions"><button type="button" className="button" onClick={close}>Close</button></div>
      </Dialog>
    );
  }
  if (modal.kind === 'rename') return <RenameDialog account={account} close={close} notify={notify} />;
  if (modal.kind === 'delete') {
    const remove = async () => {
      try {
        await call(api().accounts.remove({ id: account.id }));
        notify(`Deleted ${title}`);
        close();
      } catch (e) {
        notify(messageOf(e), 'error');
      }
    };
    return (
      <Dialog title={`Delete ${title}?`} onClose={close} describedBy="delete-text">
        <p id="delete-text" className="dialog__text">
          Authdesk will stop making codes for <b>{fullName}</b> and remove its key from the keychain. Turn off two-factor sign-in on the service first, or make sure you have another way in{account.awsSerial ? ' (for AWS: deactivate the MFA device in IAM)' : ''}.
        </p>
        <div className="form__actions">
          <button type="button" className="button" autoFocus onClick={close}>Cancel</button>
          <button type="button" className="button button--danger" onClick={() => void remove()}>Delete</button>
        </div>
      </Dialog>
    );
  }
  if (modal.kind === 'reveal') return <RevealDialog account={account} lockEnabled={props.lockEnabled} close={close} />;
  const action = getAccountActions(account).find((a) => a.id === modal.actionId);
  if (!action) return null;
  return (
    <Dialog title={action.label.replace(/…$/, '')} onClose={close}>
      <action.View account={account} close={close} />
    </Dialog>
  );
}

function RenameDialog({ account, close, notify }: { account: Account; close(): void; notify(text: string, tone?: 'info' | 'error'): void }) {
  const [issuer, setIssuer] = useState(account.issuer);
  const [label, setLabel] = useState(account.label);
  const [error, setError] = useState<string>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await call(api().accounts.rename({ id: account.id, issuer, label }));
      notify('Renamed');
      close();
    } catch (e) {
      setError(messageOf(e));
    }
  };
  return (
    <Dialog title="Rename account" onClose={close}>
      <form className="form" onSubmit={submit}>
        <label className="field"><span className="field__label">Service</span>
          <input className="input" name="issuer" maxLength={256} value={issuer} onChange={(e) => setIssuer(e.target.value)} /></label>
        <label className="field"><span className="field__label">Account name</span>
          <input className="input" name="label" maxLength={256} autoFocus value={label} onChange={(e) => setLabel(e.target.value)} /></label>
        {error ? <p className="form__error" role="alert">{error}</p> : null}
        <div className="form__actions">
          <button type="button" className="button" onClick={close}>Cancel</button>
          <button type="submit" className="button button--primary">Save</button>
        </div>
      </form>
    </Dialog>
  );
}

function RevealDialog({ account, lockEnabled, close }: { account: Account; lockEnabled: boolean; close(): void }) {
  const [passphrase, setPassphrase] = useState('');
  const [error, setError] = useState<string>();
  const [revealed, setRevealed] = useState<{ secret: string; uri: string }>();
  // Drop the secret from memory when the dialog goes away.
  useEffect(() => () => setRevealed(undefined), []);
  if (!lockEnabled) {
    return (
      <Dialog title="Show secret key" onClose={close}>
        <p className="dialog__text">Showing a secret key needs the app lock: set a passphrase in <b>Settings → App lock</b> first, so nobody passing by your computer can copy your keys.</p>
        <div className="form__actions"><button type="button" className="button button--primary" autoFocus onClick={close}>OK</button></div>
      </Dialog>
    );
  }
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      setRevealed(await call(api().accounts.reveal({ id: account.id, passphrase })));
      setPassphrase('');
      setError(undefined);
    } catch (e) {
      setError(messageOf(e));
    }
  };
  return (
    <Dialog title={`Secret key for ${accountTitle(account)}`} onClose={close}>
      {revealed ? (
        <>
          <p className="dialog__text">Anyone with this key can make your codes. Do not share it; store it only somewhere as safe as a password manager.</p>
          <p className="secret" aria-label="Secret key">{revealed.secret.match(/.{1,4}/g)?.join(' ')}</p>
          <div className="form__actions"><button type="button" className="button button--primary" autoFocus onClick={close}>Hide</button></div>
        </>
      ) : (
        <form className="form" onSubmit={submit}>
          <label className="field"><span className="field__label">Your app lock passphrase</span>
            <input className="input" type="password" name="passphrase" autoFocus autoComplete="current-password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} /></label>
          {error ? <p className="form__error" role="alert">{error}</p> : null}
          <div className="form__actions">
            <button type="button" className="button" onClick={close}>Cancel</button>
            <button type="submit" className="button button--primary" disabled={passphrase === ''}>Show key</button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

export { groupCode };
