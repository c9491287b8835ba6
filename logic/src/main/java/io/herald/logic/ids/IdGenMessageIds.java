package io.herald.logic.ids;

import io.herald.config.Durations;
import io.herald.logic.Failures;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Message ids from the IdGen service ({@code push.messageIds.source: idgen}), served from a local
 * buffer so that a push never waits for IdGen. The buffer holds blocks of ids fetched with {@code
 * NextIds(tag, blockSize)} (a list for time-based tags, ranges for segment tags); {@link #next()}
 * takes the next id of the oldest block under a short lock, and once fewer than {@code lowWater}
 * ids are left it starts a refill in the background. At most one refill is under way at any time,
 * its retries included: a failed call is retried every {@code retryDelay} until one succeeds.
 *
 * <p><b>When IdGen is away.</b> Pushes go on with the buffered ids. Once the buffer is empty,
 * {@link #next()} fails at once with {@link MessageIdsUnavailableException} (the push API answers
 * {@code -500} / {@code UNAVAILABLE}, nothing is queued), a WARN line says so once per outage, and
 * {@code herald.logic.ids{result=unavailable}} counts each refused id; pushes succeed again as soon
 * as a retry brings a block.
 *
 * <p><b>At start.</b> {@link #start()} does not wait for IdGen: it asks for the first block and
 * returns. {@link #firstBlock()} completes when that block arrives; Logic reports itself unready
 * ({@code /health} 503) until then, and pushes made before fail as above.
 *
 * <p><b>Guarantees.</b> Ids are unique as IdGen's are (per tag, across every IdGen replica and
 * every Logic instance drawing from the tag) and increase within a block; blocks are used in the
 * order they arrived, so with a single IdGen replica (whose ids increase) they keep increasing;
 * with several, a later block may hold smaller ids. A time-based id carries the time IdGen made it,
 * which precedes its push by as long as the block took to be used. Ids left in the buffer at stop
 * are dropped, never reused.
 *
 * <p>Meters: {@code herald.logic.ids{result=ok|unavailable}} (ids handed out, or refused), {@code
 * herald.logic.ids.fetch{result=ok|error}} (timer of {@code NextIds} calls), {@code
 * herald.logic.ids.buffered} (ids left). {@link #start()} and {@link #stop()} are idempotent; the
 * constructor does no I/O.
 */
public final class IdGenMessageIds implements MessageIds {
  private static final Logger log = LoggerFactory.getLogger(IdGenMessageIds.class);

  /** Where blocks come from: IdGen's {@code NextIds}, or a fake in tests. */
  interface BlockSource {
    void start();

    /** {@code count} ids (or fewer); the future fails when they cannot be had. Never blocks. */
    CompletableFuture<IdBlock> fetch(int count);

    void stop();

    /** Where the blocks come from, for logs and errors. */
    String describe();
  }

  /** Runs a task after a delay: the retries of a failed fetch. */
  @FunctionalInterface
  interface Delayer {
    void runAfter(Duration delay, Runnable task);
  }

  private static final String NO_ANSWER_YET = "waiting for its answer";

  private static final Delayer DELAYED_EXECUTOR =
      (delay, task) ->
          CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS).execute(task);

  private final MessageIdsConfig.IdGen config;
  private final BlockSource source;
  private final Delayer delayer;
  private final MeterRegistry meters;
  private final Counter issued;
  private final Counter refused;
  private final Timer fetchedOk;
  private final Timer fetchFailed;
  private final CompletableFuture<Void> firstBlock = new CompletableFuture<>();

  // Guarded by this.
  private final ArrayDeque<IdBlock> blocks = new ArrayDeque<>();
  private long buffered;
  private boolean running;
  private long generation; // one per start: answers to an earlier run's calls are ignored
  private boolean refilling;
  private boolean failing;
  private boolean dry;
  private String lastError = NO_ANSWER_YET;

  /** Ids from the IdGen server at {@code config.target()}, over gRPC. */
  public static IdGenMessageIds create(MessageIdsConfig.IdGen config, MeterRegistry meters) {
    return new IdGenMessageIds(config, new IdGenBlocks(config, meters), DELAYED_EXECUTOR, meters);
  }

  IdGenMessageIds(
      MessageIdsConfig.IdGen config, BlockSource source, Delayer delayer, MeterRegistry meters) {
    this.config = config;
    this.source = source;
    this.delayer = delayer;
    this.meters = meters;
    this.issued = issuedCounter(meters, "ok");
    this.refused = issuedCounter(meters, "unavailable");
    this.fetchedOk = fetchTimer(meters, "ok");
    this.fetchFailed = fetchTimer(meters, "error");
    Gauge.builder("herald.logic.ids.buffered", this, IdGenMessageIds::buffered)
        .description("Message ids fetched from IdGen and not yet used")
        .register(meters);
  }

  /** Connects and asks for the first block; returns without waiting for it. */
  public void start() {
    long run;
    synchronized (this) {
      if (running) {
        return;
      }
      source.start();
      running = true;
      refilling = true;
      run = ++generation;
      lastError = NO_ANSWER_YET;
    }
    log.info(
        "Taking message ids from IdGen at {} (tag {}, blocks of {}, refilled below {})",
        source.describe(),
        config.tag(),
        config.blockSize(),
        config.lowWater());
    fetch(run);
  }

  /** Stops refilling and disconnects; ids still buffered are dropped. */
  public void stop() {
    synchronized (this) {
      if (!running) {
        return;
      }
      running = false;
      refilling = false;
      failing = false;
      dry = false;
      blocks.clear();
      buffered = 0;
    }
    source.stop();
  }

  /** Completes once the first block has arrived; never fails (retries go on until stop). */
  public CompletableFuture<Void> firstBlock() {
    return firstBlock.copy();
  }

  @Override
  public long next() {
    long id = 0;
    boolean refill;
    long run;
    boolean wentDry = false;
    String error;
    synchronized (this) {
      IdBlock head = blocks.peekFirst();
      if (head != null) {
        id = head.take();
        buffered--;
        if (head.remaining() == 0) {
          blocks.removeFirst();
        }
      } else if (running && !dry) {
        dry = true;
        wentDry = true;
      }
      refill = buffered < config.lowWater() && startRefill();
      error = lastError;
      run = generation;
    }
    if (refill) {
      fetch(run);
    }
    if (id > 0) {
      issued.increment();
      return id;
    }
    refused.increment();
    String reason = unavailable(error);
    if (wentDry) {
      log.warn("{}; pushes fail (-500 / UNAVAILABLE) until it answers", reason);
    }
    throw new MessageIdsUnavailableException(reason);
  }

  private String unavailable(String error) {
    if (!isRunning()) {
      return "message ids: not taking ids from IdGen at " + source.describe() + " (stopped)";
    }
    return "message ids: none left from IdGen at "
        + source.describe()
        + " (tag "
        + config.tag()
        + "): "
        + error;
  }

  private synchronized boolean isRunning() {
    return running;
  }

  /** Claims the one refill; false if one is under way (or waiting to retry) or stopped. */
  private boolean startRefill() {
    if (refilling || !running) {
      return false;
    }
    refilling = true;
    return true;
  }

  /** One {@code NextIds} call, by whoever holds the refill of run {@code run}. */
  private void fetch(long run) {
    Timer.Sample sample = Timer.start(meters);
    CompletableFuture<IdBlock> call;
    try {
      call = source.fetch(config.blockSize());
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    var unused =
        call.whenComplete(
            (block, error) -> {
              sample.stop(error == null ? fetchedOk : fetchFailed);
              if (error == null) {
                arrived(run, block);
              } else {
                failed(run, error);
              }
            });
  }

  private void arrived(long run, IdBlock block) {
    boolean again;
    boolean recovered;
    long now;
    synchronized (this) {
      if (!current(run)) {
        return;
      }
      blocks.addLast(block);
      buffered += block.remaining();
      recovered = failing;
      failing = false;
      dry = false;
      lastError = NO_ANSWER_YET;
      again = buffered < config.lowWater(); // IdGen answered fewer ids than asked
      refilling = again;
      now = buffered;
    }
    firstBlock.complete(null);
    if (recovered) {
      log.info("IdGen at {} answers again; {} message ids buffered", source.describe(), now);
    }
    if (again) {
      fetch(run);
    }
  }

  private void failed(long run, Throwable error) {
    String reason = Failures.reason(error);
    boolean first;
    long left;
    synchronized (this) {
      if (!current(run)) {
        return;
      }
      first = !failing;
      failing = true;
      lastError = reason;
      left = buffered;
    }
    if (first) {
      log.warn(
          "IdGen at {} gave no message ids (NextIds({}, {})): {}; retrying every {}, {} ids left{}",
          source.describe(),
          config.tag(),
          config.blockSize(),
          reason,
          Durations.format(config.retryDelay()),
          left,
          firstBlock.isDone() ? "" : "; Logic stays unready until it answers");
    } else {
      log.debug("IdGen at {} still gives no message ids: {}", source.describe(), reason);
    }
    delayer.runAfter(config.retryDelay(), () -> retry(run));
  }

  private void retry(long run) {
    synchronized (this) {
      if (!current(run)) {
        return;
      }
    }
    fetch(run);
  }

  /** Whether run {@code run} is still the running one; a stopped run's refill ends here. */
  private boolean current(long run) {
    return running && run == generation;
  }

  /** Ids buffered now. */
  synchronized long buffered() {
    return buffered;
  }

  private static Counter issuedCounter(MeterRegistry meters, String result) {
    return Counter.builder("herald.logic.ids")
        .description("Message ids handed to pushes (ok) or refused for want of ids (unavailable)")
        .tag("result", result)
        .register(meters);
  }

  private static Timer fetchTimer(MeterRegistry meters, String result) {
    return Timer.builder("herald.logic.ids.fetch")
        .description("NextIds calls to IdGen that refill the message id buffer")
        .tag("result", result)
        .register(meters);
  }
}
