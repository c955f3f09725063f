/**
 * Errors with a stable code and a bilingual (中文 / English) message a cashier can read. The code is
 * for programs (the contract's ErrorInfo.code); the message is shown as it is, never a stack trace.
 */
export class PaymentError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PaymentError';
  }
}
