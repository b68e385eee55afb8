import { useEffect, useRef, type ReactNode } from 'react';

/**
 * A modal <dialog>: the browser traps focus, Esc closes, and focus returns to where it was.
 */
export function Dialog({ title, onClose, children, className, describedBy }: { title: string; onClose(): void; children: ReactNode; className?: string; describedBy?: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const previous = document.activeElement as HTMLElement | null;
    dialog.showModal();
    // A 'close' event is dispatched asynchronously: one queued by an earlier close() (React's
    // StrictMode re-runs this effect) must not close the dialog that is open again by now.
    const close = () => {
      if (!dialog.open) onCloseRef.current();
    };
    dialog.addEventListener('close', close);
    return () => {
      dialog.removeEventListener('close', close);
      if (dialog.open) dialog.close();
      previous?.focus?.();
    };
  }, []);
  return (
    <dialog ref={ref} className={`dialog ${className ?? ''}`} aria-labelledby="dialog-title" aria-describedby={describedBy}>
      <h2 id="dialog-title" className="dialog__title">{title}</h2>
      {children}
    </dialog>
  );
}
