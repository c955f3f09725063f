import { Emitter, type Logger } from '../kernel';
import type { PaymentCoreEvents } from './api';

/**
 * The core's event stream. Emitted only after the change is committed. A throwing listener is
 * logged and does not break the payment flow or the other listeners.
 */
export class EventStream extends Emitter<PaymentCoreEvents> {
  constructor(logger: Logger) {
    super(logger);
  }
}
