/**
 * Hooks other parts of main register with the shell, so main.ts does not need to know them:
 * - `onResume(fn)`: run after the machine wakes (the time service re-measures the clock offset);
 * - `onBeforeQuit(fn)`: release resources at quit.
 * main.ts calls `runResumeHooks()` from powerMonitor 'resume'. Errors are reported, never thrown into
 * Electron's event loop, and one failing hook does not stop the others.
 */
type Hook = () => unknown;

export interface HookRegistry {
  add(fn: Hook): () => void;
  run(onError?: (error: unknown) => void): Promise<void>;
}

export function createHookRegistry(): HookRegistry {
  const hooks = new Set<Hook>();
  return {
    add(fn) {
      hooks.add(fn);
      return () => {
        hooks.delete(fn);
      };
    },
    async run(onError) {
      await Promise.all(
        [...hooks].map(async (fn) => {
          try {
            await fn();
          } catch (error) {
            onError?.(error);
          }
        }),
      );
    },
  };
}

const resumeHooks = createHookRegistry();
const quitHooks = createHookRegistry();

/** Register work to do after the system resumes from sleep. Returns the unregister function. */
export function onResume(fn: Hook): () => void {
  return resumeHooks.add(fn);
}

/** Register cleanup to do before the app quits. Returns the unregister function. */
export function onBeforeQuit(fn: Hook): () => void {
  return quitHooks.add(fn);
}

export function runResumeHooks(onError?: (error: unknown) => void): Promise<void> {
  return resumeHooks.run(onError);
}

export function runQuitHooks(onError?: (error: unknown) => void): Promise<void> {
  return quitHooks.run(onError);
}
