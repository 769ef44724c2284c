// Pure validators for the identifiers and formats of the shipping standards the platform speaks.
export * from './result.js';
export * from './iso6346.js';
export * from './imo.js';
export * from './mmsi.js';
export * from './unlocode.js';
export * from './datetime.js';
