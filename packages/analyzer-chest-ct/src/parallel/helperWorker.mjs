// Entry of a chest CT helper thread. A worker thread does not inherit the parent's TypeScript
// loader (the CLI registers tsx at run time, Vitest transforms in its own way): register tsx
// here, in plain JavaScript, then load the TypeScript module that serves the requests.
import { register } from 'tsx/esm/api';

register();
await import('./helperWorker.ts');
