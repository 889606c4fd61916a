export type { DiscoveryProblem, ImportCandidate } from './candidate.js';
export { type CliConfig, type ConfigOverrides, loadConfig } from './config.js';
export { dicomdirReferences } from './dicomdir.js';
export { type DiscoverOptions, type Discovery, discover } from './discover.js';
export { type ImportRunOptions, importPaths } from './importer.js';
export { main } from './main.js';
export { buildSummary, type FileIssue, formatSummary, type ImportSummary } from './summary.js';
export { DEFAULT_ZIP_LIMITS, listZip, type ZipLimits } from './zip.js';
