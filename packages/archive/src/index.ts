export * from './archive.js';
export * from './db/migrations.js';
export * from './db/open.js';
export type { ArchiveSchema } from './db/schema.js';
export * from './extract.js';
export * from './ingest.js';
export * from './objectStore.js';
export * from './query.js';
