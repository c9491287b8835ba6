package io.herald.logic.ids;

import static io.herald.logic.ids.IdBlockTest.list;
import static io.herald.logic.ids.IdBlockTest.range;
import static io.herald.logic.ids.IdBlockTest.ranges;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.proto.idgen.v1.NextIdsResponse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The IdGen source's buffer against a fake NextIds: refill at the low-water mark, one refill at a
 * time, ranges and lists, failing fast when empty, retries, stop.
 */
class IdGenMessageIdsTest {
  private static final Duration RETRY = Duration.ofMillis(700);

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final FakeIdGen idgen = new FakeIdGen();
  private final ManualDelayer delayer = new ManualDelayer();
  private IdGenMessageIds ids = ids(10, 4);

  private IdGenMessageIds ids(int blockSize, int lowWater) {
    return new IdGenMessageIds(
        new MessageIdsConfig.IdGen(
            "idgen.test:3121", "message", blockSize, lowWater, Duration.ofSeconds(1), RETRY),
        idgen,
        delayer,
        meters);
  }

  @AfterEach
  void stop() {
    ids.stop();
  }

  /** A NextIds that answers when the test says so. */
  static final class FakeIdGen implements IdGenMessageIds.BlockSource {
    final List<Integer> asked = new ArrayList<>();
    final Deque<CompletableFuture<IdBlock>> pending = new ArrayDeque<>();
    int starts;
    int stops;

    @Override
    public void start() {
      starts++;
    }

    @Override
    public synchronized CompletableFuture<IdBlock> fetch(int count) {
      asked.add(count);
      CompletableFuture<IdBlock> answer = new CompletableFuture<>();
      pending.add(answer);
      return answer;
    }

    @Override
    public void stop() {
      stops++;
    }

    @Override
    public String describe() {
      return "idgen.test:3121";
    }

    void answer(NextIdsResponse response) {
      next().complete(IdBlock.of(response));
    }

    void fail(String reason) {
      next().completeExceptionally(new IllegalStateException(reason));
    }

    private synchronized CompletableFuture<IdBlock> next() {
      assertThat(pending).as("a NextIds call waiting for its answer").isNotEmpty();
      return pending.removeFirst();
    }
  }

  /** Retries wait here until the test runs them: time moves only when the test says. */
  static final class ManualDelayer implements IdGenMessageIds.Delayer {
    final List<Duration> delays = new ArrayList<>();
    final Deque<Runnable> tasks = new ArrayDeque<>();

    @Override
    public void runAfter(Duration delay, Runnable task) {
      delays.add(delay);
      tasks.add(task);
    }

    void runDue() {
      assertThat(tasks).as("a retry waiting").isNotEmpty();
      tasks.removeFirst().run();
    }
  }

  private static Long[] sequence(long from, int count) {
    return LongStream.range(from, from + count).boxed().toArray(Long[]::new);
  }

  private List<Long> take(int count) {
    List<Long> taken = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      taken.add(ids.next());
    }
    return taken;
  }

  private double counted(String name, String result) {
    return meters.get(name).tag("result", result).meter().measure().iterator().next().getValue();
  }

  @Test
  void startAsksForTheFirstBlockWithoutWaitingAndFailsPushesUntilItArrives() {
    ids.start();
    ids.start();

    assertThat(idgen.starts).isOne();
    assertThat(idgen.asked).containsExactly(10);
    assertThat(ids.firstBlock()).isNotDone();
    assertThatThrownBy(ids::next)
        .isInstanceOf(MessageIdsUnavailableException.class)
        .hasMessage(
            "message ids: none left from IdGen at idgen.test:3121 (tag message): waiting for its"
                + " answer");
    assertThat(idgen.asked).as("still the one call").hasSize(1);

    idgen.answer(list(sequence(1000, 10)));

    assertThat(ids.firstBlock()).isCompleted();
    assertThat(ids.next()).isEqualTo(1000);
    assertThat(counted("herald.logic.ids", "ok")).isOne();
    assertThat(counted("herald.logic.ids", "unavailable")).isOne();
  }

  @Test
  void refillsOnceBelowTheLowWaterMarkWithOneCallAtATime() {
    ids.start();
    idgen.answer(list(sequence(1000, 10)));

    assertThat(take(6)).containsExactly(1000L, 1001L, 1002L, 1003L, 1004L, 1005L);
    assertThat(idgen.asked).as("4 left: not below the low-water mark yet").hasSize(1);
    assertThat(ids.next()).isEqualTo(1006);
    assertThat(idgen.asked).as("3 left: a refill").hasSize(2);
    assertThat(take(3)).containsExactly(1007L, 1008L, 1009L);
    assertThat(idgen.asked).as("one refill under way, no second").hasSize(2);
    assertThatThrownBy(ids::next).isInstanceOf(MessageIdsUnavailableException.class);
    assertThat(idgen.asked).hasSize(2);

    idgen.answer(ranges(range(5000, 5004), range(7000, 7006)));

    assertThat(ids.buffered()).isEqualTo(10);
    assertThat(take(10))
        .containsExactly(5000L, 5001L, 5002L, 5003L, 7000L, 7001L, 7002L, 7003L, 7004L, 7005L);
    assertThat(idgen.asked).containsExactly(10, 10, 10);
    assertThat(counted("herald.logic.ids.fetch", "ok")).isEqualTo(2);
  }

  @Test
  void aShortAnswerIsToppedUpAtOnce() {
    ids.start();
    idgen.answer(list(1L, 2L));

    assertThat(idgen.asked).as("2 ids are below the low-water mark of 4").hasSize(2);
    idgen.answer(list(sequence(3, 10)));
    assertThat(ids.buffered()).isEqualTo(12);
    assertThat(take(12)).isSorted().doesNotHaveDuplicates().startsWith(1L, 2L, 3L);
  }

  @Test
  void whenIdGenIsAwayTheBufferLastsThenPushesFailFastUntilARetrySucceeds() {
    ids.start();
    idgen.answer(list(sequence(100, 10)));
    take(7); // 3 left: refill asked
    idgen.fail("UNAVAILABLE: io exception (Connection refused)");

    assertThat(delayer.delays).containsExactly(RETRY);
    assertThat(take(3)).containsExactly(107L, 108L, 109L);
    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(ids::next)
          .isInstanceOf(MessageIdsUnavailableException.class)
          .hasMessage(
              "message ids: none left from IdGen at idgen.test:3121 (tag message): UNAVAILABLE:"
                  + " io exception (Connection refused)");
    }
    assertThat(idgen.asked).as("no call while a retry waits").hasSize(2);
    assertThat(counted("herald.logic.ids", "unavailable")).isEqualTo(5);

    delayer.runDue();
    assertThat(idgen.asked).hasSize(3);
    idgen.fail("DEADLINE_EXCEEDED");
    assertThat(delayer.delays).containsExactly(RETRY, RETRY);
    assertThatThrownBy(ids::next).hasMessageEndingWith("(tag message): DEADLINE_EXCEEDED");

    delayer.runDue();
    idgen.answer(list(sequence(900, 10)));

    assertThat(ids.next()).isEqualTo(900);
    assertThat(delayer.tasks).isEmpty();
    assertThat(counted("herald.logic.ids.fetch", "error")).isEqualTo(2);
    assertThat(counted("herald.logic.ids.fetch", "ok")).isEqualTo(2);
  }

  @Test
  void aSourceThatThrowsCountsAsAFailedCall() {
    IdGenMessageIds.BlockSource throwing =
        new IdGenMessageIds.BlockSource() {
          @Override
          public void start() {}

          @Override
          public CompletableFuture<IdBlock> fetch(int count) {
            throw new IllegalStateException("channel closed");
          }

          @Override
          public void stop() {}

          @Override
          public String describe() {
            return "nowhere:1";
          }
        };
    ids =
        new IdGenMessageIds(
            new MessageIdsConfig.IdGen("nowhere:1", "message", 10, 4, Duration.ofSeconds(1), RETRY),
            throwing,
            delayer,
            meters);
    ids.start();

    assertThat(delayer.delays).containsExactly(RETRY);
    assertThatThrownBy(ids::next).hasMessageEndingWith(": channel closed");
  }

  @Test
  void stopDropsTheBufferAndIgnoresLateAnswersAndRetries() {
    ids.start();
    idgen.answer(list(sequence(100, 10)));
    take(7);
    idgen.fail("UNAVAILABLE");
    ids.stop();
    ids.stop();

    assertThat(idgen.stops).isOne();
    assertThat(ids.buffered()).isZero();
    delayer.runDue();
    assertThat(idgen.asked).as("no call after stop").hasSize(2);
    assertThatThrownBy(ids::next)
        .isInstanceOf(MessageIdsUnavailableException.class)
        .hasMessage("message ids: not taking ids from IdGen at idgen.test:3121 (stopped)");

    ids.start();
    assertThat(idgen.asked).hasSize(3);
    idgen.answer(list(sequence(500, 10)));
    assertThat(ids.next()).isEqualTo(500);
  }

  @Test
  void concurrentCallersGetUniqueIdsWithOneRefillAtATime() throws Exception {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger mostInFlight = new AtomicInteger();
    AtomicInteger calls = new AtomicInteger();
    ExecutorService answers = Executors.newSingleThreadExecutor();
    ExecutorService callers = Executors.newFixedThreadPool(4);
    IdGenMessageIds.BlockSource async =
        new IdGenMessageIds.BlockSource() {
          @Override
          public void start() {}

          @Override
          public CompletableFuture<IdBlock> fetch(int count) {
            mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            long first = 1 + (long) calls.getAndIncrement() * count;
            return CompletableFuture.supplyAsync(
                () -> {
                  inFlight.decrementAndGet();
                  return IdBlock.of(list(sequence(first, count)));
                },
                answers);
          }

          @Override
          public void stop() {}

          @Override
          public String describe() {
            return "async:1";
          }
        };
    ids =
        new IdGenMessageIds(
            new MessageIdsConfig.IdGen("async:1", "message", 100, 60, Duration.ofSeconds(1), RETRY),
            async,
            delayer,
            meters);
    ids.start();
    ids.firstBlock().get();
    Set<Long> seen = ConcurrentHashMap.newKeySet();
    AtomicInteger refused = new AtomicInteger();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        done.add(
            callers.submit(
                () -> {
                  List<Long> mine = new ArrayList<>();
                  for (int i = 0; i < 20_000; i++) {
                    try {
                      mine.add(ids.next());
                    } catch (MessageIdsUnavailableException e) {
                      refused.incrementAndGet();
                    }
                  }
                  assertThat(mine).as("one caller's ids").isSorted();
                  seen.addAll(mine);
                  return null;
                }));
      }
      for (Future<?> one : done) {
        one.get();
      }
    } finally {
      callers.shutdownNow();
      answers.shutdownNow();
    }

    assertThat(mostInFlight).hasValue(1);
    assertThat(seen).hasSize(80_000 - refused.get());
    assertThat(new HashSet<>(seen)).allMatch(id -> id > 0 && id <= (long) calls.get() * 100);
  }
}
