/**
 * Test helper run as a separate process (tsx): appends `count` events to the audit trail of a
 * PostgreSQL index, so tests can check the chain with several writer processes.
 * Usage: tsx appendWorker.ts <databaseUrl> <schema> <dataDir> <count> <name>
 * Prints "ready" once open and starts on a line on stdin, so several workers' writes overlap.
 */
import { Archive } from '@lingshu/archive';
import pino from 'pino';
import { AuditTrail } from './trail.js';

const [databaseUrl, schema, dataDir, countText, name] = process.argv.slice(2);
if (!databaseUrl || !schema || !dataDir || !countText || !name) {
  process.stderr.write('usage: appendWorker <databaseUrl> <schema> <dataDir> <count> <name>\n');
  process.exit(2);
}
const archive = await Archive.open({ dataDir, databaseUrl, schema });
const trail = await AuditTrail.open(archive, pino({ level: 'silent' }));
const count = Number(countText);
process.stdout.write('ready\n');
await new Promise((r) => process.stdin.once('data', r));
process.stdin.pause();
const writes: Promise<void>[] = [];
for (let i = 0; i < count; i++) {
  writes.push(trail.record({ action: 'read', outcome: 'success', actorName: name, detail: { i } }));
  // Spread the events over time so both processes interleave.
  if (i % 5 === 4) await new Promise((r) => setTimeout(r, 10));
}
await Promise.all(writes);
await trail.close();
await archive.close();
