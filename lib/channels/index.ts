export * from './model';
export * from './observe';
export * from './commands';
