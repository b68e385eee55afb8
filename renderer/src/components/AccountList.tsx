import { useCallback, useEffect, useLayoutEffect, useRef, useState, type DragEvent, type KeyboardEvent } from 'react';
import type { Account, CodeView, CodeVisibility } from '../types.js';
import { AccountRow } from './AccountRow.js';
import { useClockTicker } from '../hooks/useNow.js';

/** Fixed row height: the list is virtualised (only rows on screen exist in the DOM). */
export const ROW_HEIGHT = 68;
const OVERSCAN = 4;
/** How long a click shows a masked code (long enough to read and type 8 digits). */
export const CLICK_REVEAL_MS = 20_000;

export interface ListProps {
  readonly accounts: readonly Account[];
  readonly selectedId: string | undefined;
  readonly codes: ReadonlyMap<string, CodeView>;
  readonly failures: ReadonlyMap<string, string>;
  readonly hotpCodes: ReadonlyMap<string, string>;
  /** Main's corrected clock minus this page's (ms). */
  readonly skew: number;
  /** Tick once a second (off while hidden behind the lock). */
  readonly ticking: boolean;
  readonly copiedId: string | undefined;
  /** Privacy on screen: codes always shown, or masked until the row is hovered (or selected) or clicked. */
  readonly codeVisibility: CodeVisibility;
  /** Reordering is off while a search filters the list. */
  readonly canReorder: boolean;
  readonly label: string;
  onSelect(id: string | undefined): void;
  onCopy(id: string, next?: boolean): void;
  onNextHotp(id: string): void;
  onMenu(id: string): void;
  onRename(id: string): void;
  onDelete(id: string): void;
  onMove(id: string, toIndex: number): void;
  onVisibleChange(ids: readonly string[]): void;
  onEscape(): void;
  onTypeToSearch(text: string): void;
}

export function AccountList(props: ListProps) {
  const { accounts, selectedId } = props;
  const scroller = useRef<HTMLDivElement>(null);
  // The list's clock (hooks/useNow.ts): a tick writes the visible rows' rings and seconds
  // straight to the DOM and re-renders only what changes a few times a period.
  // While the window is only glanced at, it ticks every few seconds and every second near the end
  // of a code: it needs the earliest end among the shown codes (a rolled-over row's next code too).
  const { codes } = props;
  const nextDeadline = useCallback((now: number) => {
    let earliest: number | undefined;
    for (const code of codes.values()) {
      const end = code.validUntil > now ? code.validUntil : code.validUntil + code.period * 1000;
      if (end > now && (earliest === undefined || end < earliest)) earliest = end;
    }
    return earliest;
  }, [codes]);
  useClockTicker(props.ticking, props.skew, nextDeadline);
  const [viewport, setViewport] = useState({ top: 0, height: 600 });
  const [drag, setDrag] = useState<{ id: string; overId?: string; edge?: 'before' | 'after' }>();
  const [hoveredId, setHoveredId] = useState<string>();
  const [clickedId, setClickedId] = useState<string>();
  const mode = props.codeVisibility;
  const revealed = (id: string) => mode === 'shown' || (mode === 'hover' && (id === hoveredId || id === selectedId)) || (mode === 'click' && id === clickedId);
  // "Until clicked": a click (or Enter) shows that row's code for CLICK_REVEAL_MS, then it is masked again.
  const { onCopy: copyCode } = props;
  const onCopy = useCallback((id: string, next?: boolean) => {
    if (mode === 'click') setClickedId(id);
    copyCode(id, next);
  }, [mode, copyCode]);
  useEffect(() => {
    if (clickedId === undefined) return;
    const timer = window.setTimeout(() => setClickedId(undefined), CLICK_REVEAL_MS);
    return () => window.clearTimeout(timer);
  }, [clickedId]);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const update = () => setViewport({ top: element.scrollTop, height: element.clientHeight });
    update();
    const observer = new ResizeObserver(update);
    observer.observe(element);
    element.addEventListener('scroll', update, { passive: true });
    return () => {
      observer.disconnect();
      element.removeEventListener('scroll', update);
    };
  }, []);

  const first = Math.max(0, Math.floor(viewport.top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(accounts.length, Math.ceil((viewport.top + viewport.height) / ROW_HEIGHT) + OVERSCAN);
  const visible = accounts.slice(first, last);
  const visibleKey = visible.map((a) => a.id).join('\n');
  const onVisibleChange = props.onVisibleChange;
  useEffect(() => {
    onVisibleChange(visibleKey === '' ? [] : visibleKey.split('\n'));
  }, [visibleKey, onVisibleChange]);

  // For bench/ui.ts: when the first rows were committed to the DOM (relative to navigation start).
  useEffect(() => {
    if (performance.getEntriesByName('authdesk:list-rendered').length === 0) performance.mark('authdesk:list-rendered');
  }, []);

  const selectedIndex = selectedId === undefined ? -1 : accounts.findIndex((a) => a.id === selectedId);

  // Keep the selected row on screen (and in the DOM, for aria-activedescendant).
  useEffect(() => {
    const element = scroller.current;
    if (!element || selectedIndex < 0) return;
    const rowTop = selectedIndex * ROW_HEIGHT;
    if (rowTop < element.scrollTop) element.scrollTop = rowTop;
    else if (rowTop + ROW_HEIGHT > element.scrollTop + element.clientHeight) element.scrollTop = rowTop + ROW_HEIGHT - element.clientHeight;
  }, [selectedIndex]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const count = accounts.length;
    const select = (index: number) => props.onSelect(accounts[Math.max(0, Math.min(count - 1, index))]?.id);
    const page = Math.max(1, Math.floor(viewport.height / ROW_HEIGHT) - 1);
    const current = selectedIndex;
    const id = accounts[current]?.id;
    if (event.altKey && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
      if (id !== undefined && props.canReorder) {
        const to = current + (event.key === 'ArrowUp' ? -1 : 1);
        if (to >= 0 && to < count) props.onMove(id, to);
      }
      event.preventDefault();
      return;
    }
    switch (event.key) {
      case 'ArrowDown': select(current < 0 ? 0 : current + 1); break;
      case 'ArrowUp': select(current < 0 ? 0 : current - 1); break;
      case 'Home': select(0); break;
      case 'End': select(count - 1); break;
      case 'PageDown': select(current + page); break;
      case 'PageUp': select(current - page); break;
      case 'Enter':
      case ' ':
        if (id !== undefined) {
          const account = accounts[current];
          if (account?.type === 'hotp' && !props.hotpCodes.has(account.id)) props.onNextHotp(account.id);
          else onCopy(id, event.shiftKey);
        }
        break;
      case 'F2': if (id !== undefined) props.onRename(id); break;
      case 'Delete': if (id !== undefined) props.onDelete(id); break;
      case 'ContextMenu': if (id !== undefined) props.onMenu(id); break;
      case 'F10': if (event.shiftKey && id !== undefined) props.onMenu(id); else return; break;
      case 'Escape': props.onEscape(); break;
      default:
        if (event.key === 'n' && !event.ctrlKey && !event.metaKey && accounts[current]?.type === 'hotp' && id !== undefined) {
          props.onNextHotp(id);
          break;
        }
        if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey && /\S/.test(event.key)) {
          props.onTypeToSearch(event.key);
          break;
        }
        return;
    }
    event.preventDefault();
  };

  const onDragStart = useCallback((id: string, event: DragEvent) => {
    event.dataTransfer.effectAllowed = 'move';
    event.dataTransfer.setData('text/x-authdesk-account', id);
    setDrag({ id });
  }, []);
  const onDragOver = useCallback((id: string, event: DragEvent) => {
    if (!event.dataTransfer.types.includes('text/x-authdesk-account')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'move';
    const box = (event.currentTarget as HTMLElement).getBoundingClientRect();
    const edge = event.clientY < box.top + box.height / 2 ? 'before' : 'after';
    setDrag((d) => (d && (d.overId !== id || d.edge !== edge) ? { ...d, overId: id, edge } : d));
  }, []);
  const { onMove } = props;
  const dragRef = useRef(drag);
  dragRef.current = drag;
  const onDrop = useCallback((id: string, event: DragEvent) => {
    event.preventDefault();
    const moving = event.dataTransfer.getData('text/x-authdesk-account');
    const edge = dragRef.current?.edge;
    setDrag(undefined);
    if (moving && moving !== id) {
      const from = accounts.findIndex((a) => a.id === moving);
      let to = accounts.findIndex((a) => a.id === id);
      if (edge === 'after') to += 1;
      if (from < to) to -= 1;
      if (from >= 0 && to >= 0 && from !== to) onMove(moving, to);
    }
  }, [accounts, onMove]);
  const onDragEnd = useCallback(() => setDrag(undefined), []);

  return (
    <div
      ref={scroller}
      className="list"
      role="listbox"
      tabIndex={0}
      aria-label={props.label}
      aria-activedescendant={selectedId !== undefined && selectedIndex >= 0 ? `account-${selectedId}` : undefined}
      onKeyDown={onKeyDown}
      onFocus={() => {
        if (selectedIndex < 0 && accounts.length > 0) props.onSelect(accounts[0]?.id);
      }}
    >
      <div className="list__inner" style={{ height: accounts.length * ROW_HEIGHT }}>
        {visible.map((account, i) => (
          <AccountRow
            key={account.id}
            account={account}
            top={(first + i) * ROW_HEIGHT}
            code={props.codes.get(account.id)}
            hotpCode={props.hotpCodes.get(account.id)}
            failure={props.failures.get(account.id)}
            selected={account.id === selectedId}
            copied={account.id === props.copiedId}
            masked={!revealed(account.id)}
            onHover={setHoveredId}
            dropEdge={drag?.overId === account.id && drag.id !== account.id ? drag.edge : undefined}
            draggable={props.canReorder}
            onSelect={props.onSelect}
            onCopy={onCopy}
            onNextHotp={props.onNextHotp}
            onMenu={props.onMenu}
            onDragStart={onDragStart}
            onDragOver={onDragOver}
            onDrop={onDrop}
            onDragEnd={onDragEnd}
          />
        ))}
      </div>
    </div>
  );
}
