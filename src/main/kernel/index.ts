/** The kernel: logger, clock, emitter, errors. Imported by every layer; imports nothing of ours. */
export * from './clock';
export * from './emitter';
export * from './errors';
export * from './logger';
export { createRedactingLogger, redact, redactString, isSecretField, REDACTED } from './redact';
