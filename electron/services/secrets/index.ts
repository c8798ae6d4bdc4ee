export type { SecretStore } from './SecretStore';
export { secretsWarning } from './SecretStore';
export { PlainTextSecretStore, plainSecretsFileName } from './PlainTextSecretStore';
