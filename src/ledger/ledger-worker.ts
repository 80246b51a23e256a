import type { Caller } from '../auth/caller.js';
import { UpstreamError } from '../errors/gateway-errors.js';
import type { GraphAdapter } from '../graph/adapter/graph-adapter.js';
import type { Logger } from '../observability/logger.js';
import type { Ledger } from './ledger.js';
import {
  type ClaimedPoll,
  claimDueRequests,
  claimExportPolls,
  failAbandoned,
  purgeExpired,
  recordPoll,
  releaseLeases,
} from './ledger-store.js';
import { exportStatusOf, isExportSettled, nextPollDelayMs } from './settling.js';

export interface LedgerWorkerOptions {
  ledger: Ledger;
  graph: GraphAdapter;
  /** The gateway itself: requests are completed with its application token, never a caller's. */
  application: Caller;
  logger: Logger;
  leaseMs: number;
  retryForMs: number;
  retentionDays: number;
  /** How often the worker looks for work. */
  intervalMs?: number;
}

/** Requests claimed at once; a full claim is followed by the next one at once. */
const CLAIM_LIMIT = 200;
/** Export operations polled at once. */
const POLL_LIMIT = 20;
const PURGE_EVERY_MS = 3_600_000;

/** Graph's application permissions that polling an export's operation needs. */
export const EXPORT_POLL_PERMISSIONS = 'User.Export.All and User.Read.All';

const ABANDONED = {
  expired: 'Microsoft Graph did not accept the request within LEDGER_RETRY_FOR_MS.',
  exportLost:
    'The process sending this export stopped before Microsoft Graph answered; its storage location is never stored, so request the export again.',
};

/**
 * Every gateway process runs one: it completes pending requests whose lease has expired or whose
 * next attempt is due (any process's, `FOR UPDATE SKIP LOCKED`), polls accepted exports'
 * operations, ends what may no longer be sent, and purges what is past retention.
 */
export class LedgerWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private stopped = false;
  private lastPurge = 0;

  constructor(private readonly options: LedgerWorkerOptions) {}

  start(): void {
    this.schedule(0);
  }

  /** Stops looking for work, cuts in-flight sends short and gives back every lease this process holds. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort.abort();
    await this.running?.catch(() => undefined);
    const released = await releaseLeases(this.options.ledger.db, this.options.ledger.owner).catch(() => 0);
    if (released > 0) this.options.logger.info({ released }, 'ledger: leases released for other processes');
  }

  /** One round of work; exposed so that tests need not wait for the timer. */
  async runOnce(): Promise<void> {
    const { ledger, logger } = this.options;
    const lease = { owner: ledger.owner, ms: this.options.leaseMs };
    const failed = await failAbandoned(ledger.db, this.options.retryForMs, ABANDONED);
    if (failed > 0)
      logger.warn({ requests: failed }, 'ledger: requests that can no longer be sent are FAILED');
    for (;;) {
      const claimed = await claimDueRequests(ledger.db, lease, CLAIM_LIMIT);
      if (claimed.length === 0 || this.stopped) break;
      logger.info({ requests: claimed.length }, 'ledger: completing pending requests');
      await ledger.send(this.options.application, claimed, { asBulk: false, signal: this.abort.signal });
      if (claimed.length < CLAIM_LIMIT) break;
    }
    const polls = await claimExportPolls(ledger.db, lease, POLL_LIMIT);
    await Promise.all(
      polls.map((poll) =>
        // One poll that fails (the token endpoint, the database) leaves the others' answers recorded;
        // its own is polled again when its claim expires.
        this.poll(poll).catch((error: unknown) => {
          if (!this.stopped) {
            logger.warn(
              { request: poll.id, err: error instanceof Error ? error.message : 'unknown' },
              'ledger: export poll failed',
            );
          }
        }),
      ),
    );
    if (Date.now() - this.lastPurge >= PURGE_EVERY_MS) {
      this.lastPurge = Date.now();
      const purged = await purgeExpired(ledger.db, this.options.retentionDays);
      if (purged.requests > 0)
        logger.info({ requests: purged.requests }, 'ledger: settled requests past retention deleted');
    }
  }

  private async poll(poll: ClaimedPoll): Promise<void> {
    const { graph, application, logger, ledger } = this.options;
    const answer = { id: poll.id, poll: poll.polls, owner: ledger.owner };
    try {
      const operation = await graph.getDataPolicyOperation(
        application,
        poll.operationLocation,
        this.abort.signal,
      );
      if (!operation) {
        logger.warn(
          { request: poll.id },
          "ledger: an export's Location is not an operation of the configured Graph; not polled",
        );
        await recordPoll(ledger.db, { ...answer, ...noAnswer, status: 'UNKNOWN', nextPollAt: undefined });
        return;
      }
      const status = exportStatusOf(operation.status);
      await recordPoll(ledger.db, {
        ...answer,
        status,
        nextPollAt: isExportSettled(status)
          ? undefined
          : new Date(Date.now() + nextPollDelayMs(operation.retryAfterMs)),
        httpStatus: operation.receipt.status,
        upstreamRequestId: operation.receipt.upstreamRequestId,
        clientRequestId: operation.receipt.clientRequestId,
        errorCode: undefined,
      });
    } catch (error) {
      if (!(error instanceof UpstreamError)) {
        if (this.stopped) return;
        throw error;
      }
      const ids = error.extensions as { upstreamRequestId?: string | null; clientRequestId?: string };
      const forbidden = error.code === 'FORBIDDEN';
      if (forbidden) {
        logger.warn(
          { request: poll.id, upstreamRequestId: ids.upstreamRequestId ?? undefined },
          `ledger: Graph refused to show an export's progress; grant the gateway's app the ${EXPORT_POLL_PERMISSIONS} application permissions. Its status is UNKNOWN.`,
        );
      }
      await recordPoll(ledger.db, {
        ...answer,
        status: forbidden ? 'UNKNOWN' : undefined,
        nextPollAt: forbidden
          ? undefined
          : new Date(Date.now() + nextPollDelayMs((error.retryAfterSeconds ?? 30) * 1000)),
        httpStatus: error.upstreamStatus,
        upstreamRequestId: ids.upstreamRequestId ?? undefined,
        clientRequestId: ids.clientRequestId,
        errorCode: error.code,
      });
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .catch((error: unknown) => {
          if (!this.stopped) {
            this.options.logger.warn(
              { err: error instanceof Error ? error.message : 'unknown' },
              'ledger: worker round failed; retrying',
            );
          }
        })
        .finally(() => this.schedule(this.options.intervalMs ?? 1_000));
    }, delayMs);
    this.timer.unref();
  }
}

const noAnswer = {
  httpStatus: undefined,
  upstreamRequestId: undefined,
  clientRequestId: undefined,
  errorCode: undefined,
};
