/** Test support shared by every suite: waiting, temp dirs, loopback servers, a memory logger. */
export * from './wait';
export * from './temp';
export * from './logger';
export * from './servers';
export * from './rows';
