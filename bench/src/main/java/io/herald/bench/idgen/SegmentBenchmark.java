package io.herald.bench.idgen;

import io.herald.idgen.db.Database;
import io.herald.idgen.db.DatabaseConfig;
import io.herald.idgen.segment.JdbcSegmentStore;
import io.herald.idgen.segment.Range;
import io.herald.idgen.segment.SegmentBuffer;
import io.herald.idgen.segment.SegmentConfig;
import io.herald.idgen.segment.SegmentIds;
import io.herald.idgen.segment.SegmentTagConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Segment ids in process: one tag's double buffer over an in-memory H2 database (segments of
 * 100,000 to 1,000,000 ids, prefetched in the background). Single ids, and ranges of 1,000.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SegmentBenchmark {
  private Database database;
  private SegmentIds segments;
  private SegmentBuffer buffer;

  @Setup
  public void setUp() {
    database =
        new Database(
            new DatabaseConfig(
                "jdbc:h2:mem:segment-bench;DB_CLOSE_DELAY=-1;MODE=PostgreSQL",
                "",
                "",
                2,
                Duration.ofSeconds(5)));
    database.start();
    segments =
        new SegmentIds(
            new JdbcSegmentStore(database),
            Map.of("bench", new SegmentTagConfig(1, 100_000, 100_000, 1_000_000)),
            new SegmentConfig(0.2, Duration.ofMinutes(15), Duration.ofSeconds(5)),
            Clock.systemUTC(),
            new SimpleMeterRegistry());
    segments.start();
    buffer = segments.buffer("bench");
  }

  @TearDown
  public void tearDown() {
    segments.stop();
    database.stop();
  }

  @Benchmark
  public long nextId() {
    return buffer.takeOne(true);
  }

  @Benchmark
  @OperationsPerInvocation(1000)
  public List<Range> nextIds1000() {
    List<Range> out = new ArrayList<>(2);
    buffer.take(1000, out, true);
    return out;
  }
}
