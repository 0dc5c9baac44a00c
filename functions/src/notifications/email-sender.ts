import { randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EmailClient } from '@azure/communication-email';
import { DefaultAzureCredential } from '@azure/identity';

/** One plain-text email (an HTML alternative is optional). */
export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** Port: sends email. Throws when the message may not have gone out (the caller's host retries). */
export interface EmailSender {
  send(message: EmailMessage): Promise<void>;
}

/** Sends through Azure Communication Services Email, authenticated by the Function App's managed identity. */
export class AcsEmailSender implements EmailSender {
  private readonly client: EmailClient;

  constructor(private readonly options: { endpoint: string; senderAddress: string; client?: EmailClient }) {
    this.client = options.client ?? new EmailClient(options.endpoint, new DefaultAzureCredential());
  }

  async send(message: EmailMessage): Promise<void> {
    const poller = await this.client.beginSend({
      senderAddress: this.options.senderAddress,
      content: { subject: message.subject, plainText: message.text, ...(message.html ? { html: message.html } : {}) },
      recipients: { to: [{ address: message.to }] },
    });
    const result = await poller.pollUntilDone();
    if (result.status !== 'Succeeded') throw new Error(`ACS email ${result.id} ended ${result.status}: ${result.error?.message ?? 'no detail'}`);
  }
}

let outboxSequence = 0;

/**
 * Writes each message as an RFC 5322 `.eml` file into a folder (local development: open them with any mail client).
 * File names start with the UTC time and a sequence number, so they sort in sending order.
 */
export class OutboxFolderEmailSender implements EmailSender {
  constructor(private readonly options: { folder: string; senderAddress: string; now?: () => Date }) {}

  async send(message: EmailMessage): Promise<void> {
    const date = (this.options.now ?? (() => new Date()))();
    const messageId = `${randomUUID()}@${domainOf(this.options.senderAddress)}`;
    await mkdir(this.options.folder, { recursive: true });
    const stamp = date.toISOString().replace(/[-:.]/g, '');
    const sequence = String(++outboxSequence % 1_000_000).padStart(6, '0');
    const target = path.join(this.options.folder, `${stamp}-${sequence}-${messageId.slice(0, 8)}.eml`);
    const temporary = `${target}.tmp`;
    await writeFile(temporary, renderRfc5322({ ...message, from: this.options.senderAddress, date, messageId }), 'utf8');
    await rename(temporary, target);
  }
}

/** An email as RFC 5322 text: CRLF line ends, UTF-8 bodies sent 8bit, non-ASCII subjects as RFC 2047 encoded words. */
export function renderRfc5322(message: EmailMessage & { from: string; date: Date; messageId: string }): string {
  const headers = [
    `From: ${headerSafe(message.from)}`,
    `To: ${headerSafe(message.to)}`,
    `Subject: ${encodeHeaderText(message.subject)}`,
    `Date: ${rfc5322Date(message.date)}`,
    `Message-ID: <${headerSafe(message.messageId)}>`,
    'MIME-Version: 1.0',
  ];
  const crlf = (text: string) => text.replace(/\r?\n/g, '\r\n');
  if (!message.html) {
    return [...headers, 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', crlf(message.text), ''].join('\r\n');
  }
  const boundary = `=_alt_${randomUUID()}`;
  return [
    ...headers,
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    crlf(message.text),
    `--${boundary}`,
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    crlf(message.html),
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

/** `Tue, 05 Mar 2024 01:00:00 +0000`: RFC 5322 date-time in UTC. */
export function rfc5322Date(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000');
}

/** No CR/LF in a header value: a line break there would let data inject headers. */
function headerSafe(value: string): string {
  return value.replace(/[\r\n]+/g, ' ');
}

function encodeHeaderText(value: string): string {
  const safe = headerSafe(value);
  return /^[\x20-\x7e]*$/.test(safe) ? safe : `=?UTF-8?B?${Buffer.from(safe, 'utf8').toString('base64')}?=`;
}

function domainOf(address: string): string {
  return address.split('@')[1]?.replace(/[^A-Za-z0-9.-]/g, '') || 'localhost';
}
