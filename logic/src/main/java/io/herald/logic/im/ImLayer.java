package io.herald.logic.im;

import com.github.benmanes.caffeine.cache.Ticker;
import io.herald.im.ImStore;
import io.herald.logic.ids.MessageIds;
import io.herald.logic.push.PushService;
import io.herald.wire.chat.ChatStatus;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;

/**
 * The IM layer's parts, wired: {@link ImService} (sends, lists, history, read), {@link ImGroups}
 * (group administration) and {@link ChatRequests} (the chat ops from the Comets). The host (Logic)
 * owns the {@link ImStore} and starts and stops it; {@link #stop} ends the store threads. The
 * constructor starts no thread.
 */
public final class ImLayer {
  /** Users whose send rate is tracked at once, per process. */
  static final long RATE_USERS = 1_000_000;

  /** Database calls waiting per database connection, at most. */
  static final int QUEUE_PER_CONNECTION = 64;

  private final StoreCalls calls;
  private final ImMetrics metrics;
  private final ImService service;
  private final ImGroups groups;
  private final ChatRequests requests;

  /**
   * @param maxTargets the most users one push names ({@code push.api.maxTargets}): larger fan-outs
   *     go as several pushes
   */
  public ImLayer(
      ImConfig config,
      ImStore store,
      PushService pushes,
      MessageIds ids,
      int maxTargets,
      Clock clock,
      Ticker ticker,
      MeterRegistry meters) {
    ImMetrics metrics = new ImMetrics(meters);
    this.metrics = metrics;
    int threads = config.database().poolSize();
    this.calls = new StoreCalls(threads, threads * QUEUE_PER_CONNECTION);
    ChatFanout fanout = new ChatFanout(pushes, maxTargets);
    PolicyCheck policy =
        config.policy().configured() ? PolicyCheck.create(config.policy(), metrics) : null;
    this.service =
        new ImService(
            store,
            calls,
            fanout,
            ids,
            config,
            new SendRate(config.sendsPerSecond(), config.sendBurst(), RATE_USERS, ticker),
            policy,
            clock,
            metrics);
    this.groups = new ImGroups(store, calls, service, fanout, ids, config, clock, metrics);
    this.requests = new ChatRequests(service, metrics);
  }

  /**
   * Counts chat request {@code op} ({@code send} or a group call) that the backend API refused
   * before it reached the service — a parameter it could not read — as the service counts its own
   * refusals.
   */
  public void refusedEarly(String op, ChatStatus status, long nanos) {
    String tag = ImMetrics.tag(status);
    if (op.equals("send")) {
      metrics.send(tag, nanos);
    } else {
      metrics.request(op, tag);
    }
  }

  public ImService service() {
    return service;
  }

  public ImGroups groups() {
    return groups;
  }

  public ChatRequests requests() {
    return requests;
  }

  /** Takes no more database calls; waits up to {@code grace} for those running. */
  public void stop(Duration grace) {
    calls.close(grace);
  }
}
