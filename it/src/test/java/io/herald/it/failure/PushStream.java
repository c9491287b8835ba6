package io.herald.it.failure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * A steady stream of pushes of every delivery class through goim's HTTP API, as a backend sends
 * them: one round every {@code period} (one push of each {@link PushKind}, the unicast ones to the
 * next device in turn), one call at a time, each bounded by {@link #CALL_TIMEOUT}. Every push and
 * its answer is kept, under the phase (the fault) it was sent in. Before each round, goim devices
 * whose connection went connect again.
 */
public final class PushStream implements AutoCloseable {
  /**
   * Longer than any answer the API may take: a failure comes "within about 8 seconds, never
   * hanging" (docs/api.md, "Delivery guarantee"); a call still unanswered then is a {@link
   * Push#TIMEOUT}.
   */
  public static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final String base;
  private final List<SdkDevice> devices;
  private final List<GoimDevice> goims;
  private final List<IntSupplier> cometPorts;
  private final List<Receiver> everyone;
  private final List<Push> pushes = new CopyOnWriteArrayList<>();
  private final AtomicLong numbers = new AtomicLong();
  private final AtomicInteger rounds = new AtomicInteger();
  private final ScheduledExecutorService sender =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "failure-suite-pushes");
            thread.setDaemon(true);
            return thread;
          });
  private volatile String phase = "start";
  private volatile RuntimeException broken;

  /**
   * @param base Logic's HTTP address, e.g. {@code http://127.0.0.1:3111}
   * @param cometPorts the Comets' TCP ports goim devices try, in order
   */
  public PushStream(
      String base, List<SdkDevice> devices, List<GoimDevice> goims, List<IntSupplier> cometPorts) {
    this.base = base;
    this.devices = List.copyOf(devices);
    this.goims = List.copyOf(goims);
    this.cometPorts = List.copyOf(cometPorts);
    List<Receiver> all = new ArrayList<>(devices);
    all.addAll(goims);
    this.everyone = List.copyOf(all);
  }

  /** Starts sending, one round every {@code period}. */
  public PushStream start(Duration period) {
    sender.scheduleAtFixedRate(this::round, 0, period.toNanos(), TimeUnit.NANOSECONDS);
    return this;
  }

  /** The pushes sent from now on are {@code name}'s. */
  public void phase(String name) {
    phase = name;
  }

  public List<Receiver> receivers() {
    return everyone;
  }

  /** Every push answered so far. */
  public List<Push> pushes() {
    check();
    return List.copyOf(pushes);
  }

  /** The pushes of {@code phase} answered so far. */
  public List<Push> pushes(String phaseName) {
    return pushes().stream().filter(push -> push.phase().equals(phaseName)).toList();
  }

  /** Pushes answered after {@code nanos} (a {@link System#nanoTime()}), of any phase. */
  public List<Push> sentSince(long nanos) {
    return pushes().stream().filter(push -> push.sentNanos() >= nanos).toList();
  }

  public int rounds() {
    return rounds.get();
  }

  private void check() {
    if (broken != null) {
      throw broken;
    }
  }

  private void round() {
    try {
      goims.forEach(goim -> goim.reconnectIfClosed(cometPorts));
      int turn = rounds.get();
      for (PushKind kind : PushKind.values()) {
        if (kind.unicast()) {
          SdkDevice device = devices.get(Math.floorMod(turn + kind.ordinal(), devices.size()));
          send(kind, kind.path(device.mid(), device.key()), List.of(device));
        } else {
          send(kind, kind.path(0, ""), everyone);
        }
      }
      rounds.incrementAndGet();
    } catch (RuntimeException e) {
      broken = e;
      throw e;
    }
  }

  private void send(PushKind kind, String path, List<? extends Receiver> to) {
    long number = numbers.incrementAndGet();
    String body = "fs " + number;
    String sentIn = phase;
    List<Push.Target> targets = new ArrayList<>();
    for (Receiver receiver : to) {
      targets.add(new Push.Target(receiver, receiver.connection()));
    }
    long sent = System.nanoTime();
    int code;
    String message = "";
    Set<String> offline = new HashSet<>();
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(base + path))
                  .timeout(CALL_TIMEOUT)
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode answer = JSON.readTree(response.body());
      code = answer.path("code").asInt(Integer.MIN_VALUE);
      message = answer.path("message").asText("");
      answer.path("data").path("offline").forEach(item -> offline.add(item.asText()));
    } catch (HttpTimeoutException e) {
      code = Push.TIMEOUT;
      message = e.toString();
    } catch (IOException e) {
      code = Push.REFUSED;
      message = e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    pushes.add(
        new Push(
            number,
            kind,
            sentIn,
            List.copyOf(targets),
            code,
            message,
            Set.copyOf(offline),
            sent,
            System.nanoTime()));
  }

  @Override
  public void close() {
    sender.shutdownNow();
    try {
      sender.awaitTermination(CALL_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
