import { createHash, randomUUID } from 'node:crypto';
import { EtagMismatchError, type StateStore } from '@shop/building-blocks';
import { SimulatedPaymentTokens, type Money } from '@shop/contracts';
import type { ChargeRequest, ChargeResult, PaymentProvider, RefundRequest } from '../domain/ports';

type SettledCharge = Exclude<ChargeResult, { status: 'unknown' }>;

/** A charge as the simulator records it (state key `payments:sim:<idempotencyKey>`). */
export interface SimulatedCharge {
  idempotencyKey: string;
  orderId: string;
  amount: Money;
  result: SettledCharge;
  at: string;
}

/** A refund as the simulator records it (state key `payments:sim:refund:<idempotencyKey>`). */
export interface SimulatedRefund {
  idempotencyKey: string;
  paymentId: string;
  amount: Money;
  refundId: string;
  at: string;
}

/** Options of the simulator. */
export interface SimulatedPaymentProviderOptions {
  stateStore: StateStore;
  /** How long the `timeout` token makes a charge take (set it above PAYMENT_TIMEOUT_MS). */
  slowAnswerMs: number;
}

const chargePrefix = 'payments:sim:';
const refundPrefix = 'payments:sim:refund:';
/** The index of a previous release: one list of every key, read still, never written. */
const legacyIndexKey = 'payments:sim:index';
/**
 * The index is split into shards, each its own compare-and-swap list: with one list every charge of a sale rewrote
 * (and re-serialised) the whole history and raced every other charge for it, which made the simulator the order
 * service's largest CPU cost at 32 concurrent shoppers.
 */
const indexShards = 64;
const indexShardKey = (shard: number) => `payments:sim:index:${shard}`;
const indexShardOf = (key: string) => indexShardKey(createHash('sha1').update(key).digest().readUInt16BE(0) % indexShards);

/**
 * A deterministic payment provider for local runs, demos and tests. The token decides: `pm_sim_approve` captures,
 * `pm_sim_decline` is declined, `pm_sim_timeout` captures but answers only after `slowAnswerMs` (the caller has
 * given up by then: the outcome is unknown to it, and the provider remembers it). Any other token is declined.
 * Idempotent by key: the first result is recorded create-only in the state store and returned for every repeat,
 * so it survives a restart when the store is Redis.
 */
export class SimulatedPaymentProvider implements PaymentProvider {
  constructor(private readonly options: SimulatedPaymentProviderOptions) {}

  async charge(request: ChargeRequest): Promise<SettledCharge> {
    // No read first: the create-only save is the check, and a repeat gets the first result from saveOnce.
    const result: SettledCharge =
      request.paymentToken === SimulatedPaymentTokens.approve || request.paymentToken === SimulatedPaymentTokens.timeout
        ? { status: 'captured', paymentId: `pay_sim_${randomUUID()}` }
        : { status: 'declined', reason: request.paymentToken === SimulatedPaymentTokens.decline ? 'card_declined' : 'unknown_payment_method' };
    const record: SimulatedCharge = { idempotencyKey: request.idempotencyKey, orderId: request.orderId, amount: request.amount, result, at: new Date().toISOString() };
    const stored = await this.saveOnce(chargePrefix + request.idempotencyKey, record);
    if (stored !== record) return stored.result;
    await this.addToIndex(chargePrefix + request.idempotencyKey);
    if (request.paymentToken === SimulatedPaymentTokens.timeout) await new Promise((resolve) => setTimeout(resolve, this.options.slowAnswerMs));
    return stored.result;
  }

  async findCharge(idempotencyKey: string): Promise<SettledCharge | undefined> {
    return (await this.options.stateStore.get<SimulatedCharge>(chargePrefix + idempotencyKey))?.value.result;
  }

  async refund(request: RefundRequest): Promise<{ status: 'refunded'; refundId: string }> {
    const record: SimulatedRefund = { ...request, refundId: `ref_sim_${randomUUID()}`, at: new Date().toISOString() };
    const stored = await this.saveOnce(refundPrefix + request.idempotencyKey, record);
    if (stored === record) await this.addToIndex(refundPrefix + request.idempotencyKey);
    return { status: 'refunded', refundId: stored.refundId };
  }

  /** Every charge and refund recorded in the store (tests and demos check the money with it). */
  async listTransactions(): Promise<{ charges: SimulatedCharge[]; refunds: SimulatedRefund[] }> {
    const shardKeys = [legacyIndexKey, ...Array.from({ length: indexShards }, (_, shard) => indexShardKey(shard))];
    const shards = await Promise.all(shardKeys.map((shardKey) => this.options.stateStore.get<string[]>(shardKey)));
    const keys = [...new Set(shards.flatMap((shard) => shard?.value ?? []))];
    const charges: SimulatedCharge[] = [];
    const refunds: SimulatedRefund[] = [];
    for (const key of keys) {
      const entry = await this.options.stateStore.get<SimulatedCharge | SimulatedRefund>(key);
      if (!entry) continue;
      if (key.startsWith(refundPrefix)) refunds.push(entry.value as SimulatedRefund);
      else charges.push(entry.value as SimulatedCharge);
    }
    return { charges, refunds };
  }

  /** Writes `value` unless the key exists; returns what is stored (the first writer's value wins). */
  private async saveOnce<T>(key: string, value: T): Promise<T> {
    try {
      await this.options.stateStore.save(key, value, { onlyIfAbsent: true });
      return value;
    } catch (error) {
      if (!(error instanceof EtagMismatchError)) throw error;
      const winner = await this.options.stateStore.get<T>(key);
      if (!winner) throw error;
      return winner.value;
    }
  }

  /** The store cannot list keys, so the simulator keeps an index (compare-and-swap on the ETag of the key's shard). */
  private async addToIndex(key: string): Promise<void> {
    const shardKey = indexShardOf(key);
    for (let attempt = 0; attempt < 1000; attempt++) {
      const current = await this.options.stateStore.get<string[]>(shardKey);
      try {
        if (current?.value.includes(key)) return;
        if (current) await this.options.stateStore.save(shardKey, [...current.value, key], { etag: current.etag });
        else await this.options.stateStore.save(shardKey, [key], { onlyIfAbsent: true });
        return;
      } catch (error) {
        if (!(error instanceof EtagMismatchError)) throw error;
      }
    }
    throw new Error('could not update the simulated payment index');
  }
}
