package io.herald.bench.scenario;

import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.herald.bench.load.Payload;
import io.herald.proto.push.v1.InboxPosition;
import io.herald.proto.push.v1.PushGrpc;
import io.herald.proto.push.v1.PushMidsRequest;
import io.herald.proto.push.v1.PushMidsResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * Drives {@code Push.PushMids} with {@code store=true}: closed loop over the users for the stored
 * push rate, and in order to chosen users for the catch-ups. Users {@code 0..online-1} are mids 1..
 * (the client processes' devices), the others mids from {@code firstOfflineMid}.
 */
final class StoredPushes implements AutoCloseable {
  private final ManagedChannel channel;
  private final PushGrpc.PushStub push;
  private final PushGrpc.PushBlockingStub blocking;
  private final int op;
  private final int users;
  private final int online;
  private final long firstOfflineMid;
  private final int size;
  private final long[] sequences;
  private long next;

  /**
   * One closed-loop round of stored pushes.
   *
   * @param perSecond accepted calls per second, over the round and its drain
   * @param latency each accepted call's latency, µs
   * @param onlineAccepted accepted pushes to users with a device connected
   * @param firstRefusal why the first refused call was refused ("" when none was)
   */
  record Round(
      long sent,
      long accepted,
      long refused,
      double perSecond,
      Histogram latency,
      long onlineAccepted,
      String firstRefusal) {}

  StoredPushes(int port, int op, int users, int online, long firstOfflineMid, int size) {
    this.op = op;
    this.users = users;
    this.online = online;
    this.firstOfflineMid = firstOfflineMid;
    this.size = size;
    this.sequences = new long[users];
    this.channel =
        Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create())
            .build();
    this.push = PushGrpc.newStub(channel);
    this.blocking = PushGrpc.newBlockingStub(channel);
  }

  /** Pushes for {@code seconds} with {@code inFlight} calls outstanding, then waits for all. */
  Round run(int inFlight, int seconds) throws InterruptedException {
    Semaphore permits = new Semaphore(inFlight);
    Histogram latency = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
    AtomicLong accepted = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    AtomicLong onlineAccepted = new AtomicLong();
    AtomicReference<String> wrong = new AtomicReference<>();
    AtomicReference<String> firstRefusal = new AtomicReference<>("");
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    long sent = 0;
    while (System.nanoTime() < end) {
      permits.acquire();
      int user = (int) (next++ % users);
      boolean isOnline = user < online;
      long mid = isOnline ? user + 1 : firstOfflineMid + user - online;
      byte[] body = Payload.body(sequences[user]++, size);
      long sentAt = System.nanoTime();
      push.withDeadlineAfter(10, TimeUnit.SECONDS)
          .pushMids(
              request(List.of(mid), body),
              new StreamObserver<PushMidsResponse>() {
                @Override
                public void onNext(PushMidsResponse response) {
                  if (response.getStoredCount() != 1 || response.getStored(0).getMid() != mid) {
                    wrong.compareAndSet(
                        null, "a push to mid " + mid + " was answered stored: " + response);
                  }
                }

                @Override
                public void onError(Throwable error) {
                  firstRefusal.compareAndSet("", error.toString());
                  refused.incrementAndGet();
                  permits.release();
                }

                @Override
                public void onCompleted() {
                  long micros = (System.nanoTime() - sentAt) / 1_000;
                  synchronized (latency) {
                    latency.recordValue(Math.min(micros, latency.getHighestTrackableValue()));
                  }
                  accepted.incrementAndGet();
                  if (isOnline) {
                    onlineAccepted.incrementAndGet();
                  }
                  permits.release();
                }
              });
      sent++;
    }
    permits.acquire(inFlight);
    permits.release(inFlight);
    double elapsed = (System.nanoTime() - start) / 1e9;
    if (wrong.get() != null) {
      throw new IllegalStateException(wrong.get());
    }
    synchronized (latency) {
      return new Round(
          sent,
          accepted.get(),
          refused.get(),
          accepted.get() / elapsed,
          latency.copy(),
          onlineAccepted.get(),
          firstRefusal.get());
    }
  }

  /**
   * Pushes {@code count} stored messages to every one of {@code mids}, one call at a time, so each
   * user's inbox holds them as seq 1..count with message i's body starting with i.
   *
   * @throws IllegalStateException if a message was not stored at the seq it should have been
   */
  void storeInOrder(List<Long> mids, int count) {
    for (long i = 1; i <= count; i++) {
      PushMidsResponse response =
          blocking
              .withDeadlineAfter(30, TimeUnit.SECONDS)
              .pushMids(request(mids, Payload.body(i, size)));
      Map<Long, Long> seqs = new HashMap<>();
      for (InboxPosition position : response.getStoredList()) {
        seqs.put(position.getMid(), position.getSeq());
      }
      for (long mid : mids) {
        Long seq = seqs.get(mid);
        if (seq == null || seq != i) {
          throw new IllegalStateException(
              "stored push "
                  + i
                  + " to mid "
                  + mid
                  + " was stored at seq "
                  + seq
                  + ": "
                  + response);
        }
      }
    }
  }

  private PushMidsRequest request(List<Long> mids, byte[] body) {
    return PushMidsRequest.newBuilder()
        .setOp(op)
        .addAllMids(mids)
        .setBody(ByteString.copyFrom(body))
        .setStore(true)
        .build();
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
