import { create_container, message as amqpMessage, type EventContext, type Message } from 'rhea';

/** What this stand-in reads of a link; rhea's typings omit the remote attach frame. */
interface LinkView {
  remote: { attach?: { source?: { address?: string }; target?: { address?: string } } };
  local: { attach: { max_message_size?: number } };
  set_source(source: object): void;
  set_target(target: object): void;
  send(message: object): unknown;
}
const view = (link: unknown) => link as LinkView;
import type { Server } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A message the stand-in received, with the address of the link it arrived on. */
export interface ReceivedAmqpMessage {
  address: string;
  message: Message;
}

/**
 * A minimal AMQP 1.0 broker on plain TCP, enough for `@azure/service-bus` senders: it answers `$cbs` put-token
 * requests with status-code 200, accepts sender links to any address (granting credit) and records what they send.
 * It proves framing, addressing and message properties, nothing of Service Bus semantics.
 */
export class AmqpStandIn {
  /** Advertised on every link the broker accepts. */
  static readonly maxMessageSize = 256 * 1024;
  readonly received: ReceivedAmqpMessage[] = [];
  readonly tokenRequests: Message[] = [];
  private server?: Server;
  port = 0;

  async start(): Promise<this> {
    const container = create_container({ id: 'amqp-stand-in' });
    container.on('sender_open', (context: EventContext) => {
      // The client's receiver (e.g. the $cbs reply link): echo its addresses so replies can be routed to it.
      if (context.sender) view(context.sender).set_source(view(context.sender).remote.attach?.source ?? {});
    });
    container.on('receiver_open', (context: EventContext) => {
      if (context.receiver) view(context.receiver).set_target(view(context.receiver).remote.attach?.target ?? {});
      // The client sizes message batches from this (Standard tier: 256 KB).
      if (context.receiver) view(context.receiver).local.attach.max_message_size = AmqpStandIn.maxMessageSize;
    });
    container.on('message', (context: EventContext) => {
      const address = view(context.receiver).remote.attach?.target?.address ?? '';
      const message = context.message!;
      if (address === '$cbs') {
        this.tokenRequests.push(message);
        const replyLink = context.connection.find_sender((sender: unknown) => view(sender).remote.attach?.target?.address === message.reply_to);
        const reply = { correlation_id: message.message_id, to: message.reply_to, application_properties: { 'status-code': 200, 'status-description': 'OK' }, body: '' };
        (replyLink ?? context.connection.find_sender((sender: unknown) => view(sender).remote.attach?.source?.address === '$cbs'))?.send(reply);
        return;
      }
      // A Service Bus message batch (format 0x80013700) arrives undecoded: an outer message whose data sections are the
      // encoded messages. The publisher puts one message in each batch, so one data section is all this reads.
      if (context.delivery?.format === 0x80013700) {
        const outer = amqpMessage.decode(message as unknown as Buffer);
        const sections = (outer.body as { content: Buffer[] | Buffer }).content;
        for (const section of Array.isArray(sections) ? sections : [sections]) this.received.push({ address, message: amqpMessage.decode(section) as unknown as Message });
      } else {
        this.received.push({ address, message });
      }
    });
    this.server = container.listen({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((resolve) => (this.server!.listening ? resolve() : this.server!.once('listening', () => resolve())));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** A connection string the Service Bus client accepts: the emulator flag makes it use plain TCP on our port. */
  connectionString(): string {
    return `Endpoint=sb://127.0.0.1:${this.port}/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
