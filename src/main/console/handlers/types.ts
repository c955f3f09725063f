/** A handler group: a function of the runtime answering some of the contract's channels. */
import type { Channel, CommandOutput, ParsedInput } from '../../../shared/contract';

export type Handler<C extends Channel> = (input: ParsedInput<C>) => Promise<CommandOutput<C>>;
export type Handlers<C extends Channel> = { [K in C]: Handler<K> };
