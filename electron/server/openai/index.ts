export { createOpenAiRoutes, type OpenAiRoutesOptions, type ExtraRoutes } from './routes';
export { OpenAiApiError, type OpenAiErrorBody } from './OpenAiApiError';
