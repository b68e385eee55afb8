export interface ToastMessage {
  readonly id: number;
  readonly text: string;
  readonly tone?: 'info' | 'error';
}

/** Quiet confirmations; also the polite live region screen readers hear. */
export function Toasts({ toasts }: { toasts: readonly ToastMessage[] }) {
  return (
    <div className="toasts" role="status" aria-live="polite" aria-atomic="false">
      {toasts.map((toast) => (
        <div key={toast.id} className={`toast${toast.tone === 'error' ? ' toast--error' : ''}`}>
          {toast.tone === 'error' ? null : (
            <svg viewBox="0 0 20 20" aria-hidden="true" className="toast__icon"><path d="M5 10.5l3 3 7-7" /></svg>
          )}
          <span>{toast.text}</span>
        </div>
      ))}
    </div>
  );
}
