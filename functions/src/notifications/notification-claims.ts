/** Which e-mail a claim stands for: one notification kind (the event type) of one event to one recipient. */
export interface NotificationKey {
  kind: string;
  eventId: string;
  recipient: string;
}

/** A claim this worker holds: proof that it, and no other worker, may send that e-mail now. */
export interface NotificationClaim {
  readonly key: NotificationKey;
  /** Identifies this holder's version of the record, so marking and releasing never touch someone else's claim. */
  readonly token: string;
}

/** What a claim attempt found: the e-mail is ours to send, was sent already, or another worker is sending it. */
export type ClaimOutcome = { kind: 'claimed'; claim: NotificationClaim } | { kind: 'already_sent' } | { kind: 'in_progress' };

/**
 * Port: durable, cross-worker deduplication of e-mails. A worker claims an e-mail before sending it (atomically: of
 * several workers claiming at once exactly one gets it), marks it sent afterwards, or releases it when the send
 * failed so that a redelivery can send. A claim that is neither marked nor released (the worker died mid-send)
 * lapses after a short lease, so the e-mail is delayed, never lost.
 */
export interface NotificationClaims {
  /** Claims the e-mail for this worker, or says why not. */
  claim(key: NotificationKey): Promise<ClaimOutcome>;
  /** Records the e-mail as sent (kept long enough to outlive every redelivery); false when the lease had lapsed and another worker took it. */
  markSent(claim: NotificationClaim): Promise<boolean>;
  /** Gives up the claim after a failed send, so the next delivery of the event may send. */
  release(claim: NotificationClaim): Promise<void>;
  /** Releases the store's connections. */
  close(): Promise<void>;
}
