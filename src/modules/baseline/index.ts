export * from './baseline.ts';
export * from './baseline.template.ts';
