package io.herald.bench.scenario;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Drives Logic's {@code POST /goim/push/all} over HTTP/2 (Armeria's client, many streams on few
 * connections): closed-loop with a fixed number of pushes outstanding (what Logic sustains), or
 * open-loop at a fixed rate (an overload), and counts the answers by kind: accepted ({@code code}
 * 0), refused as overloaded (HTTP 429) and anything else (other codes, errors, timeouts).
 */
final class PushDriver implements AutoCloseable {
  /** The answers of one run. */
  static final class Counts {
    final LongAdder sent = new LongAdder();
    final LongAdder ok = new LongAdder();
    final LongAdder overloaded = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder notSent = new LongAdder();
    final Histogram okLatency = new ConcurrentHistogram(3);
    final Histogram refusedLatency = new ConcurrentHistogram(3);

    long answered() {
      return ok.sum() + overloaded.sum() + errors.sum();
    }
  }

  private final ClientFactory factory = ClientFactory.builder().build();
  private final WebClient http;
  private final byte[] body;

  PushDriver(int port, int size) {
    this.http =
        WebClient.builder("http://127.0.0.1:" + port)
            .factory(factory)
            .responseTimeout(Duration.ofSeconds(30))
            .maxResponseLength(1 << 20)
            .build();
    this.body = new byte[size];
    java.util.Arrays.fill(body, (byte) 'x');
  }

  private void push(Counts counts, Runnable done) {
    long started = System.nanoTime();
    counts.sent.increment();
    http.execute(
            RequestHeaders.builder(HttpMethod.POST, "/goim/push/all?operation=1000")
                .contentType(MediaType.OCTET_STREAM)
                .build(),
            HttpData.wrap(body))
        .aggregate()
        .handle(
            (AggregatedHttpResponse response, Throwable e) -> {
              long micros = (System.nanoTime() - started) / 1000;
              if (e == null
                  && response.status().code() == 200
                  && response.contentUtf8().startsWith("{\"code\":0,")) {
                counts.ok.increment();
                counts.okLatency.recordValue(micros);
              } else if (e == null && response.status().code() == 429) {
                counts.overloaded.increment();
                counts.refusedLatency.recordValue(micros);
              } else {
                counts.errors.increment();
              }
              done.run();
              return null;
            });
  }

  /**
   * Keeps {@code outstanding} pushes in flight for {@code duration}; waits for the last answers.
   */
  Counts closedLoop(int outstanding, Duration duration) throws InterruptedException {
    Counts counts = new Counts();
    long end = System.nanoTime() + duration.toNanos();
    Semaphore slots = new Semaphore(outstanding);
    while (System.nanoTime() < end) {
      if (slots.tryAcquire(10, TimeUnit.MILLISECONDS)) {
        push(counts, slots::release);
      }
    }
    slots.acquire(outstanding);
    return counts;
  }

  /** Sends {@code count} pushes, {@code outstanding} at a time, and waits for every answer. */
  Counts send(long count, int outstanding) throws InterruptedException {
    Counts counts = new Counts();
    Semaphore slots = new Semaphore(outstanding);
    for (long i = 0; i < count; i++) {
      slots.acquire();
      push(counts, slots::release);
    }
    slots.acquire(outstanding);
    return counts;
  }

  /**
   * Sends {@code perSecond} pushes a second for {@code duration} whatever the answers, with at most
   * {@code maxOutstanding} unanswered (past it a push is counted as not sent: the generator, not
   * Logic, is then the limit); {@code tick} runs about once a second. Waits for the last answers.
   */
  Counts openLoop(
      double perSecond, Duration duration, int maxOutstanding, Runnable tick, Counts[] into)
      throws InterruptedException {
    Counts counts = into[0];
    AtomicLong outstanding = new AtomicLong();
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    long due = 0;
    long nextTick = start + 1_000_000_000L;
    for (long now = start; now < end; now = System.nanoTime()) {
      long target = (long) ((now - start) / 1e9 * perSecond);
      for (; due < target; due++) {
        if (outstanding.get() >= maxOutstanding) {
          counts.notSent.increment();
          continue;
        }
        outstanding.incrementAndGet();
        push(counts, outstanding::decrementAndGet);
      }
      if (now >= nextTick) {
        nextTick += 1_000_000_000L;
        tick.run();
      }
      TimeUnit.MICROSECONDS.sleep(500);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
    while (outstanding.get() > 0 && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(50);
    }
    return counts;
  }

  @Override
  public void close() {
    factory.close();
  }
}
