/**
 * Where the area engineers plug their UI in, without editing the core renderer files:
 *   renderer/src/<area>/register.tsx (scan, aws, time, backup) is imported automatically at start
 *   (main.tsx) and calls the functions below.
 *
 *   registerAddMethod({ id: 'scan-screen', title: 'Scan screen', description: '...', order: 10, icon, View })
 *   registerSettingsSection({ id: 'time', title: 'Time sync', order: 10, View })
 *   registerAccountAction({ id: 'aws-resync', label: 'Resync with AWS…', appliesTo: (a) => !!a.awsSerial, View })
 *   registerHeaderItem({ id: 'clock-health', order: 0, View })
 *   registerAddedView({ id: 'aws-console', appliesTo: (added) => ..., View })
 *
 * Well-known add-method ids the empty state and the Add sheet refer to: 'scan-screen', 'image-file',
 * 'clipboard-image', 'camera', 'aws' (built in: 'uri', 'manual').
 */
import type { ComponentType, ReactNode } from 'react';
import type { Account } from './types.js';

export interface AddMethodProps {
  /** Call after the account(s) were added through window.authdesk; the sheet closes and the list refreshes. */
  onAdded(accounts: readonly Account[]): void;
  onCancel(): void;
  /** Switch to another method (e.g. a scanner offering "paste the link instead"). */
  switchTo(methodId: string): void;
}

export interface AddMethod {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** Lower first. Built-ins: uri 50, manual 60. */
  readonly order: number;
  readonly icon?: ReactNode;
  readonly View: ComponentType<AddMethodProps>;
}

export interface SettingsSection {
  readonly id: string;
  readonly title: string;
  /** Built-ins: appearance 0, clipboard 20, lock 30, startup 40. */
  readonly order: number;
  readonly View: ComponentType;
}

export interface AccountActionProps {
  readonly account: Account;
  close(): void;
}

export interface AccountAction {
  readonly id: string;
  readonly label: string;
  appliesTo(account: Account): boolean;
  /** Rendered in a dialog. */
  readonly View: ComponentType<AccountActionProps>;
}

export interface HeaderItem {
  readonly id: string;
  readonly order: number;
  readonly View: ComponentType;
}

/** What an AddedView gets: the accounts just added (as they are now; deleted ones left out). */
export interface AddedViewProps {
  readonly accounts: readonly Account[];
  /** Back to the plain list (the view is also dropped when the user leaves the list or the app locks). */
  close(): void;
}

/**
 * Shown in the list area right after accounts were added (by any add method), until closed: e.g.
 * the AWS console's two codes for an account just scanned from the console. Unmounted while a
 * dialog is open over the list (the dialog may show the same thing) and mounted again after.
 */
export interface AddedView {
  readonly id: string;
  appliesTo(accounts: readonly Account[]): boolean;
  readonly View: ComponentType<AddedViewProps>;
}

const addMethods = new Map<string, AddMethod>();
const settingsSections = new Map<string, SettingsSection>();
const accountActions = new Map<string, AccountAction>();
const headerItems = new Map<string, HeaderItem>();
const addedViews = new Map<string, AddedView>();

export function registerAddMethod(method: AddMethod): void {
  addMethods.set(method.id, method);
}
export function registerSettingsSection(section: SettingsSection): void {
  settingsSections.set(section.id, section);
}
export function registerAccountAction(action: AccountAction): void {
  accountActions.set(action.id, action);
}
export function registerHeaderItem(item: HeaderItem): void {
  headerItems.set(item.id, item);
}
export function registerAddedView(view: AddedView): void {
  addedViews.set(view.id, view);
}

const byOrder = <T extends { order: number }>(a: T, b: T) => a.order - b.order;
export const getAddMethods = (): AddMethod[] => [...addMethods.values()].sort(byOrder);
export const getAddMethod = (id: string): AddMethod | undefined => addMethods.get(id);
export const getSettingsSections = (): SettingsSection[] => [...settingsSections.values()].sort(byOrder);
export const getAccountActions = (account: Account): AccountAction[] => [...accountActions.values()].filter((a) => a.appliesTo(account));
export const getHeaderItems = (): HeaderItem[] => [...headerItems.values()].sort(byOrder);
export const getAddedViews = (accounts: readonly Account[]): AddedView[] => [...addedViews.values()].filter((v) => v.appliesTo(accounts));
