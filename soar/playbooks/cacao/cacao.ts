// CACAO 2.0 import and export of playbooks (see README.md for the mapping).
export { importCacao } from './cacao-import.ts';
export type { CacaoImport, CacaoImportOptions } from './cacao-import.ts';
export { exportCacao } from './cacao-export.ts';
export type { CacaoDocument, CacaoExportOptions } from './cacao-export.ts';
