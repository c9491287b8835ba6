package io.herald.bench.comet;

import com.google.protobuf.ByteString;
import io.herald.comet.push.PushFrame;
import io.herald.comet.push.Pusher;
import io.herald.comet.session.Buckets;
import io.herald.comet.session.Connection;
import io.herald.comet.session.TransportKind;
import io.herald.wire.ProtocolVersion;
import io.herald.wire.codec.TcpFrameEncoder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A room push through the Comet's write path ({@link Pusher#broadcastRoom}: the room's members, the
 * shared encoding, each member's retained duplicate through its pipeline and outbound buffer) to
 * {@code members} TCP connections on embedded channels, whose written buffers are then released (no
 * socket, no kernel: the Java half of a delivery). One message, or ten as one op-9 batch. Divide
 * the time per operation by {@code members} for the time per delivery; {@code -prof gc}'s {@code
 * gc.alloc.rate.norm} likewise for the bytes allocated per delivery.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RoomBroadcastBenchmark {
  private static final String ROOM = "live://bench";

  @Param({"1000", "5000"})
  public int members;

  @Param({"1", "10"})
  public int batch;

  private final List<EmbeddedChannel> channels = new ArrayList<>();
  private Pusher pusher;
  private List<PushFrame> frames;

  @Setup(Level.Trial)
  public void setUp() {
    Buckets buckets = new Buckets(32);
    pusher = new Pusher(buckets, new SimpleMeterRegistry());
    for (int i = 0; i < members; i++) {
      EmbeddedChannel channel = new EmbeddedChannel(TcpFrameEncoder.INSTANCE);
      buckets.add(
          new Connection(
              channel,
              TransportKind.TCP,
              i,
              i,
              "key-" + i,
              "web",
              ProtocolVersion.V1,
              Set.of(ROOM),
              new int[0]));
      channels.add(channel);
    }
    byte[] body = new byte[64];
    Arrays.fill(body, (byte) 'x');
    List<PushFrame> list = new ArrayList<>();
    for (int i = 0; i < batch; i++) {
      list.add(new PushFrame(1000, 0, ByteString.copyFrom(body)));
    }
    frames = List.copyOf(list);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    for (EmbeddedChannel channel : channels) {
      channel.finishAndReleaseAll();
    }
  }

  /** One room push to every member, then what each member's channel was written released. */
  @Benchmark
  public int broadcastRoom() {
    int recipients = pusher.broadcastRoom(ROOM, frames);
    for (EmbeddedChannel channel : channels) {
      Object written;
      while ((written = channel.readOutbound()) != null) {
        ReferenceCountUtil.release(written);
      }
    }
    return recipients;
  }
}
