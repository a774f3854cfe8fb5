export * from './activityEventSchemas.js';
export * from './activityEvents.js';
export * from './sessionSignals.js';
export * from './signalConstants.js';
export * from './signalOverview.js';
