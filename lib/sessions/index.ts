export * from './session-store';
export * from './session-tracker';
export * from './csv';
