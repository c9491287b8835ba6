package io.herald.bench.idgen;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.herald.proto.idgen.v1.IdGenGrpc;
import io.herald.proto.idgen.v1.IdRange;
import io.herald.proto.idgen.v1.NextIdRequest;
import io.herald.proto.idgen.v1.NextIdsRequest;
import io.herald.proto.idgen.v1.NextIdsResponse;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A gRPC load run against a running IdGen, from its own process: {@code IdGenLoad host:port tag
 * count inFlight seconds [rate]}. {@code count} 1 calls NextId, more calls NextIds. With {@code
 * rate} (requests/s) requests are paced open-loop (latency then includes waiting behind slow ones);
 * without, {@code inFlight} requests are kept outstanding. Prints requests/s, ids/s and latency
 * percentiles of the measured part (after a warm-up of a third of the time).
 */
public final class IdGenLoad {
  private IdGenLoad() {}

  /**
   * What the measured part of a run saw.
   *
   * @param latency nanoseconds from when each request was sent (paced: was due) to its answer
   */
  public record Result(double seconds, long requests, long ids, long errors, Histogram latency) {
    public double requestsPerSecond() {
      return requests / seconds;
    }

    public double idsPerSecond() {
      return ids / seconds;
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 5) {
      System.err.println("usage: IdGenLoad host:port tag count inFlight seconds [rate]");
      System.exit(2);
    }
    String tag = args[1];
    int count = Integer.parseInt(args[2]);
    int inFlight = Integer.parseInt(args[3]);
    double rate = args.length > 5 ? Double.parseDouble(args[5]) : 0;
    Result result = run(args[0], tag, count, inFlight, Integer.parseInt(args[4]), rate);
    Histogram histogram = result.latency();
    System.out.printf(
        Locale.ROOT,
        "tag=%s count=%d inFlight=%d rate=%s seconds=%.1f requests/s=%.0f ids/s=%.0f errors=%d"
            + " p50=%.3fms p99=%.3fms p99.9=%.3fms max=%.3fms%n",
        tag,
        count,
        inFlight,
        rate > 0 ? String.format(Locale.ROOT, "%.0f", rate) : "max",
        result.seconds(),
        result.requestsPerSecond(),
        result.idsPerSecond(),
        result.errors(),
        histogram.getValueAtPercentile(50) / 1e6,
        histogram.getValueAtPercentile(99) / 1e6,
        histogram.getValueAtPercentile(99.9) / 1e6,
        histogram.getMaxValue() / 1e6);
  }

  /**
   * Calls {@code tag} at {@code target} for a warm-up of a third of {@code seconds} (at least 1 s),
   * then {@code seconds} measured: NextId when {@code count} is 1, else NextIds of {@code count};
   * paced at {@code rate} requests/s when positive, else keeping {@code inFlight} outstanding.
   */
  public static Result run(
      String target, String tag, int count, int inFlight, int seconds, double rate)
      throws InterruptedException {
    ManagedChannel channel =
        NettyChannelBuilder.forTarget(target).usePlaintext().directExecutor().build();
    IdGenGrpc.IdGenStub stub = IdGenGrpc.newStub(channel);
    Semaphore window = new Semaphore(inFlight);
    Recorder latency = new Recorder(3);
    AtomicLong requests = new AtomicLong();
    AtomicLong ids = new AtomicLong();
    AtomicLong errors = new AtomicLong();

    long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(1, seconds / 3));
    long end = warmupEnd + TimeUnit.SECONDS.toNanos(seconds);
    long interval = rate > 0 ? (long) (1e9 / rate) : 0;
    long next = System.nanoTime();
    boolean measuring = false;
    long measuredStart = 0;
    while (true) {
      long now = System.nanoTime();
      if (now >= end) {
        break;
      }
      if (!measuring && now >= warmupEnd) {
        measuring = true;
        measuredStart = now;
        next = Math.max(next, now); // a backlog from the warm-up (JIT, connecting) is dropped
        latency.reset();
        requests.set(0);
        ids.set(0);
        errors.set(0);
      }
      if (interval > 0) {
        // Park (not spin: client and server share the machine's cores) until the next send time;
        // sends that fell behind go out at once, timed from when they were due.
        long wait = next - System.nanoTime();
        if (wait > 20_000) {
          LockSupport.parkNanos(wait);
        }
        next += interval;
      }
      if (!window.tryAcquire(1, TimeUnit.SECONDS)) {
        continue;
      }
      long start = interval > 0 ? next - interval : System.nanoTime();
      if (count == 1) {
        stub.nextId(
            NextIdRequest.newBuilder().setTag(tag).build(),
            observer(window, latency, requests, errors, start, r -> ids.incrementAndGet()));
      } else {
        stub.nextIds(
            NextIdsRequest.newBuilder().setTag(tag).setCount(count).build(),
            observer(window, latency, requests, errors, start, r -> ids.addAndGet(size(r))));
      }
    }
    window.acquire(inFlight);
    double elapsed = (System.nanoTime() - measuredStart) / 1e9;
    Result result =
        new Result(
            elapsed, requests.get(), ids.get(), errors.get(), latency.getIntervalHistogram());
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    return result;
  }

  private static long size(NextIdsResponse reply) {
    if (reply.hasList()) {
      return reply.getList().getIdsCount();
    }
    long total = 0;
    for (IdRange range : reply.getRanges().getRangesList()) {
      total += range.getEnd() - range.getStart();
    }
    return total;
  }

  private static <T> StreamObserver<T> observer(
      Semaphore window,
      Recorder latency,
      AtomicLong requests,
      AtomicLong errors,
      long start,
      java.util.function.Consumer<T> onReply) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T reply) {
        onReply.accept(reply);
      }

      @Override
      public void onError(Throwable t) {
        errors.incrementAndGet();
        window.release();
      }

      @Override
      public void onCompleted() {
        latency.recordValue(System.nanoTime() - start);
        requests.incrementAndGet();
        window.release();
      }
    };
  }
}
