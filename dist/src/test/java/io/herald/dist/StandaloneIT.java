package io.herald.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.testkit.FreePorts;
import io.herald.wire.Frame;
import io.herald.wire.FrameCodec;
import io.herald.wire.FrameLimits;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.herald.wire.RawBatch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code herald standalone} as a user meets it: every role in one process, a goim client over TCP,
 * pushes through goim's HTTP API reaching it through the in-process queue and Job's dispatcher, and
 * each role's health endpoint. On free ports, so it runs beside anything else.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StandaloneIT {
  private static final FrameLimits LIMITS = new FrameLimits(1 << 20);
  private static final Duration WAIT = Duration.ofSeconds(15);

  private final int http = FreePorts.next();
  private final int tcp = FreePorts.next();
  private final int admin = FreePorts.next();
  private final int balancer = FreePorts.next();
  private final int idgen = FreePorts.next();
  private final HttpClient client = HttpClient.newHttpClient();
  private Standalone standalone;

  @BeforeAll
  void start(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    standalone =
        new Standalone(
            Map.ofEntries(
                Map.entry("LOGIC_SERVER_HTTPPORT", Integer.toString(http)),
                Map.entry("LOGIC_SERVER_GRPCPORT", Integer.toString(FreePorts.next())),
                Map.entry("COMET_LISTEN_TCPPORT", Integer.toString(tcp)),
                Map.entry("COMET_LISTEN_WSPORT", Integer.toString(FreePorts.next())),
                Map.entry("COMET_LISTEN_GRPCPORT", Integer.toString(FreePorts.next())),
                Map.entry("COMET_LISTEN_ADMINPORT", Integer.toString(admin)),
                Map.entry("BALANCER_SERVER_PORT", Integer.toString(balancer)),
                Map.entry("IDGEN_SERVER_PORT", Integer.toString(idgen)),
                Map.entry(
                    "IDGEN_DATABASE_URL",
                    "jdbc:h2:file:" + dir.resolve("idgen") + ";MODE=PostgreSQL")),
            Clock.systemUTC());
    standalone.start();
  }

  @AfterAll
  void stop() {
    if (standalone != null) {
      standalone.stop();
    }
  }

  @Test
  void aGoimClientGetsRoomAndUserPushesSentOverHttp() throws Exception {
    try (GoimClient goim = new GoimClient(tcp)) {
      goim.send(
          Op.AUTH,
          1,
          "{\"mid\":123,\"room_id\":\"live://1000\",\"platform\":\"web\",\"accepts\":[1000]}");
      assertThat(goim.next(Op.AUTH_REPLY).seq()).isEqualTo(1);
      // Job learns the room's members from the Comet's reports; until then a push finds nobody.
      await().atMost(WAIT).until(() -> standalone.comet().buckets().room("live://1000") != null);

      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                assertThat(
                        post("/goim/push/room?operation=1000&type=live&room=1000", "to the room"))
                    .contains("\"code\":0");
                assertThat(goim.nextBody(1000, Duration.ofSeconds(2))).isEqualTo("to the room");
              });
      assertThat(post("/goim/push/mids?operation=1000&mids=123", "to user 123"))
          .contains("\"code\":0");
      assertThat(goim.nextBody(1000, WAIT)).isEqualTo("to user 123");
      assertThat(post("/goim/push/all?operation=1000", "to everyone")).contains("\"code\":0");
      assertThat(goim.nextBody(1000, WAIT)).isEqualTo("to everyone");
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(get(http, "/goim/online/room?type=live&rooms=1000").body())
                      .contains("\"1000\":1"));
    }
  }

  @Test
  void everyRoleAnswersItsHealthEndpoint() throws Exception {
    assertThat(get(http, "/health").statusCode()).isEqualTo(200);
    assertThat(get(admin, "/ready").statusCode()).isEqualTo(200);
    assertThat(get(balancer, "/nodes").body()).contains("\"server_id\":\"standalone\"");
    HttpResponse<String> id = get(idgen, "/ids/message");
    assertThat(id.statusCode()).isEqualTo(200);
    assertThat(get(http, "/metrics").body()).contains("herald_comet_connections");
  }

  @Test
  void thePushApiIsOnLoopbackOnlyAndNeedsNoToken() throws Exception {
    assertThat(standalone.logic()).isNotNull();
    HttpResponse<String> bad = postResponse("/goim/push/room?operation=1000&type=live", "x");
    assertThat(bad.statusCode())
        .as("a bad request is still answered as documented")
        .isNotEqualTo(401);
    assertThat(bad.body()).contains("\"code\":-400");
  }

  private String post(String path, String body) throws Exception {
    return postResponse(path, body).body();
  }

  private HttpResponse<String> postResponse(String path, String body) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + path))
            .timeout(WAIT)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(WAIT).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** goim's TCP client, protocol version 1: frames in, op-9 batches split. */
  private static final class GoimClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final ByteBuf buffer = Unpooled.buffer();
    private final List<Received> pending = new ArrayList<>();

    record Received(int op, int seq, String body) {}

    GoimClient(int port) throws IOException {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(500);
      in = socket.getInputStream();
    }

    void send(int op, int seq, String body) throws IOException {
      Frame frame =
          new Frame(
              ProtocolVersion.V1, op, seq, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
      ByteBuf encoded = FrameCodec.encode(ByteBufAllocator.DEFAULT, frame);
      try {
        byte[] bytes = new byte[encoded.readableBytes()];
        encoded.readBytes(bytes);
        socket.getOutputStream().write(bytes);
      } finally {
        encoded.release();
        frame.release();
      }
    }

    Received next(int op) throws IOException {
      return next(op, WAIT);
    }

    String nextBody(int op, Duration timeout) throws IOException {
      return next(op, timeout).body();
    }

    /** The next frame of {@code op}, skipping others (heartbeat replies and the like). */
    Received next(int op, Duration timeout) throws IOException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        for (int i = 0; i < pending.size(); i++) {
          if (pending.get(i).op() == op) {
            return pending.remove(i);
          }
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("no op " + op + " within " + timeout + "; got " + pending);
        }
        byte[] chunk = new byte[4096];
        int n;
        try {
          n = in.read(chunk);
        } catch (java.net.SocketTimeoutException e) {
          continue;
        }
        if (n < 0) {
          throw new IOException("closed by the Comet");
        }
        buffer.writeBytes(chunk, 0, n);
        decode();
      }
    }

    private void decode() {
      while (buffer.readableBytes() >= 4
          && buffer.readableBytes() >= buffer.getInt(buffer.readerIndex())) {
        Frame frame = FrameCodec.decode(buffer, LIMITS);
        try {
          if (frame.op() == Op.RAW) {
            for (Frame inner : RawBatch.split(frame.body(), LIMITS)) {
              pending.add(received(inner));
              inner.release();
            }
          } else {
            pending.add(received(frame));
          }
        } finally {
          frame.release();
        }
      }
      buffer.discardReadBytes();
    }

    private static Received received(Frame frame) {
      return new Received(frame.op(), frame.seq(), frame.body().toString(StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws IOException {
      buffer.release();
      socket.close();
    }
  }
}
