export * from './versions';
export * from './schema/validators';
