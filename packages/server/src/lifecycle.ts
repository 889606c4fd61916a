/** Where the server is in its life; readiness and shutdown read it. */
export type LifecycleState = 'starting' | 'ready' | 'stopping' | 'stopped';

export interface Lifecycle {
  state(): LifecycleState;
  set(state: LifecycleState): void;
}

export function createLifecycle(initial: LifecycleState = 'starting'): Lifecycle {
  let current = initial;
  return {
    state: () => current,
    set: (s) => {
      current = s;
    },
  };
}
