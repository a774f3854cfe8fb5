export * from './auth.js';
export * from './funnels.js';
export * from './incidents.js';
export * from './sessions.js';
export * from './sites.js';
