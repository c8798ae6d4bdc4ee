/** The store service: SQLite persistence for conversations, messages and settings. */
export { Store, type StoreDiagnostics } from './Store';
export { ConversationRepository } from './ConversationRepository';
export { MessageRepository } from './MessageRepository';
export { SettingsRepository, AppSettingsPatch } from './SettingsRepository';
export { migrate, migrations, schemaVersion, type Migration, type MigrationResult } from './migrations';
export { titleFromQuestion, maxTitleLength, autoTitleLength } from './titles';
export type {
  DeepPartial,
  FinishAssistantMessageInput,
  PartialMessageText,
  StartAssistantMessageInput,
  StoreOptions,
} from './types';
