/** The domain: orders, refunds, trade facts and the provider port. Imports only the kernel, if anything. */
export * from './order';
export * from './trade';
export * from './provider-port';
