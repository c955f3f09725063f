/** Key import, validation, storage and 测试连接. Electron-free. */
export * from './key-import';
export { createKeyService, privateKeyKeyType, VAULT_NAMES, type KeyService, type KeyServiceOptions, type KeyStatus } from './key-service';
export { connectionMessages, runConnectionTest, type ConnectionTestCode, type ConnectionTestResult } from '../providers/alipay/connection-test';
export { keysSettingsDto, migratePlaintextKeyFiles, openHostVault, SAFE_STORAGE_VAULT_FILE, type MigrationResult, type VaultHostOptions } from './host-glue';
