package io.herald.comet.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.herald.comet.config.CometConfig;
import io.herald.comet.server.CometServer;
import io.herald.proto.comet.v1.CometGrpc;
import io.herald.proto.comet.v1.PushMsgRequest;
import io.herald.proto.common.v1.InboxMessage;
import io.herald.proto.logic.v1.AckRequest;
import io.herald.proto.logic.v1.AckResponse;
import io.herald.proto.logic.v1.ConnectRequest;
import io.herald.proto.logic.v1.ConnectResponse;
import io.herald.proto.logic.v1.DeviceCursor;
import io.herald.proto.logic.v1.DisconnectRequest;
import io.herald.proto.logic.v1.DisconnectResponse;
import io.herald.proto.logic.v1.HeartbeatRequest;
import io.herald.proto.logic.v1.HeartbeatResponse;
import io.herald.proto.logic.v1.JoinRoomsRequest;
import io.herald.proto.logic.v1.JoinRoomsResponse;
import io.herald.proto.logic.v1.LogicGrpc;
import io.herald.proto.logic.v1.RenewOnlineRequest;
import io.herald.proto.logic.v1.RenewOnlineResponse;
import io.herald.proto.logic.v1.SyncRequest;
import io.herald.proto.logic.v1.SyncResponse;
import io.herald.testkit.FreePorts;
import io.herald.testkit.cluster.Backends;
import io.herald.testkit.cluster.CometPorts;
import io.herald.testkit.cluster.RoleConfigs;
import io.herald.testkit.wire.Received;
import io.herald.testkit.wire.WireClient;
import io.herald.wire.Frame;
import io.herald.wire.FrameLimits;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.herald.wire.delivery.AckBody;
import io.herald.wire.delivery.InboxNotice;
import io.herald.wire.delivery.MessageEnvelope;
import io.herald.wire.delivery.SyncBody;
import io.herald.wire.delivery.SyncReply;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Acked and stored deliveries end to end on real sockets: a Comet listening on TCP, wire clients of
 * both protocol versions, pushes over the Comet's gRPC, and a Logic stand-in served over gRPC in
 * this JVM (it accepts every AUTH as the mid and key asked, records Ack calls and answers Sync as
 * the test says), so the Comet's own gRPC Logic client carries the Ack and Sync calls.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeliveryIT {
  private static final long EPOCH = 1_700_000_000_000L;
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final AtomicInteger IDS = new AtomicInteger(1);

  private final StandInLogic stub = new StandInLogic();
  private final PrometheusMeterRegistry meters =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private Server logic;
  private CometServer comet;
  private CometConfig config;
  private ManagedChannel channel;
  private CometGrpc.CometBlockingStub job;

  @BeforeAll
  void start() throws IOException {
    int logicPort = FreePorts.next();
    logic =
        Grpc.newServerBuilderForPort(logicPort, InsecureServerCredentials.create())
            .addService(stub)
            .build()
            .start();
    config =
        RoleConfigs.comet(Backends.inMemory(), "comet-delivery", CometPorts.free(), logicPort)
            .set("registry", "{backend: memory}")
            // Room for a burst of 400 ACKs on one connection.
            .set(
                "limits",
                "{upstreamPerSecond: 1000, upstreamBurst: 1000, connectionsPerIp: 1000,"
                    + " newConnectionsPerIpPerSecond: 200, newConnectionsPerIpBurst: 1000}")
            .set(
                "delivery",
                "{notifyAbove: 1000, noticeDelay: 100ms, cursorFlush: 200ms,"
                    + " syncReplyMaxBytes: 1024,"
                    + " ack: {initialDelay: 200ms, maxDelay: 400ms, maxAttempts: 3, window: 4}}")
            .load(CometConfig.class, CometConfig.defaults(), "COMET");
    comet = new CometServer(config, Clock.systemUTC(), meters);
    comet.start();
    channel =
        Grpc.newChannelBuilder(
                "127.0.0.1:" + config.listen().grpcPort(), InsecureChannelCredentials.create())
            .build();
    job = CometGrpc.newBlockingStub(channel);
  }

  @AfterAll
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    comet.stop(Duration.ofSeconds(2));
    logic.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private WireClient client(ProtocolVersion version, long mid) {
    String key = "dev-" + IDS.getAndIncrement();
    return WireClient.tcp(config.listen().tcpPort(), version).auth(mid, key, "");
  }

  private void push(
      WireClient client, long id, long seq, boolean ack, boolean notify, String body) {
    var unused =
        job.pushMsg(
            PushMsgRequest.newBuilder()
                .addKeys(client.key())
                .setOp(1000)
                .setBody(ByteString.copyFromUtf8(body))
                .setMessageId(id)
                .setRequireAck(ack)
                .setInboxEpoch(seq > 0 ? EPOCH : 0)
                .setInboxSeq(seq)
                .setNotify(notify)
                .build());
  }

  private double count(String name, String... tags) {
    Counter counter = meters.find(name).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }

  private double gauge(String name) {
    return meters.get(name).gauge().value();
  }

  private static MessageEnvelope envelope(Received frame) {
    return MessageEnvelope.decode(Unpooled.wrappedBuffer(frame.body()));
  }

  private static void send(WireClient client, int op, int seq, ByteBuf body) {
    try {
      client.send(op, seq, ByteBufUtil.getBytes(body));
    } finally {
      body.release();
    }
  }

  @Test
  void aVersion1ClientGetsPlainFramesAndAVersion2ClientOp26WithIdAndSeq() {
    try (WireClient v1 = client(ProtocolVersion.V1, 11);
        WireClient v2 = client(ProtocolVersion.V2, 12)) {
      push(v1, 101, 1, true, false, "to v1");
      push(v2, 102, 7, true, false, "to v2");

      Received plain = v1.await(1000);
      assertThat(plain.text()).isEqualTo("to v1");
      Received message = v2.await(Op.MESSAGE);
      assertThat(envelope(message)).isEqualTo(new MessageEnvelope(102, EPOCH, 7, 1000, true));
      assertThat(
              MessageEnvelope.payload(Unpooled.wrappedBuffer(message.body()))
                  .toString(java.nio.charset.StandardCharsets.UTF_8))
          .isEqualTo("to v2");
      send(v2, Op.ACK, 0, AckBody.ofIds(102).encode(ByteBufAllocator.DEFAULT));
      assertThat(v1.collect(f -> f.op() == 1000, Duration.ofMillis(600)))
          .as("a v1 client is never resent to")
          .isEmpty();
    }
  }

  @Test
  void anAckedMessageIsResentUntilAckedThenNoMore() {
    try (WireClient client = client(ProtocolVersion.V2, 21)) {
      double ackedBefore = count("herald.comet.acks", "result", "acked");
      push(client, 201, 0, true, false, "again");

      assertThat(envelope(client.await(Op.MESSAGE)).messageId()).isEqualTo(201);
      assertThat(envelope(client.await(Op.MESSAGE)).messageId()).as("resent").isEqualTo(201);
      send(client, Op.ACK, 0, AckBody.ofIds(201).encode(ByteBufAllocator.DEFAULT));
      await()
          .atMost(WAIT)
          .until(() -> count("herald.comet.acks", "result", "acked") == ackedBefore + 1);
      client.collect(f -> f.op() == Op.MESSAGE, Duration.ofMillis(100)); // one may have crossed
      assertThat(client.collect(f -> f.op() == Op.MESSAGE, Duration.ofSeconds(1)))
          .as("nothing after the ack")
          .isEmpty();
    }
  }

  @Test
  void aNeverAckingClientHoldsABoundedWindowGivesUpAndLeavesNothingBehind() {
    double windowBefore = count("herald.comet.acks", "result", "given_up_window");
    double attemptsBefore = count("herald.comet.acks", "result", "given_up_attempts");
    try (WireClient client = client(ProtocolVersion.V2, 31)) {
      for (int i = 0; i < 10; i++) {
        push(client, 300 + i, 0, true, false, "m" + i);
      }
      await()
          .atMost(WAIT)
          .until(() -> count("herald.comet.acks", "result", "given_up_window") == windowBefore + 6);
      await()
          .atMost(WAIT)
          .until(
              () ->
                  count("herald.comet.acks", "result", "given_up_attempts") == attemptsBefore + 4);
      // 10 first sends, then the 4 kept were sent twice more each.
      await()
          .atMost(WAIT)
          .until(() -> client.frames().stream().filter(f -> f.op() == Op.MESSAGE).count() == 18);
      assertThat(gauge("herald.comet.acks.pending")).isZero();
      await().atMost(WAIT).until(() -> gauge("herald.comet.delivery.connections") == 0);
    }
  }

  @Test
  void closingReleasesWhatAConnectionHadPending() {
    double closedBefore = count("herald.comet.acks", "result", "closed");
    WireClient client = client(ProtocolVersion.V2, 41);
    push(client, 401, 0, true, false, "a");
    push(client, 402, 0, true, false, "b");
    // Both are pending once both reached the client; a push still on its way when the connection
    // closes is dropped as closed, never tracked.
    client.await(Op.MESSAGE);
    client.await(Op.MESSAGE);
    client.close();

    await()
        .atMost(WAIT)
        .until(() -> count("herald.comet.acks", "result", "closed") == closedBefore + 2);
    assertThat(gauge("herald.comet.acks.pending")).isZero();
    await().atMost(WAIT).until(() -> gauge("herald.comet.delivery.connections") == 0);
  }

  private static InboxMessage message(long seq, int bodyBytes) {
    return InboxMessage.newBuilder()
        .setMessageId(5000 + seq)
        .setSeq(seq)
        .setOp(1000)
        .setBody(ByteString.copyFrom(new byte[bodyBytes]))
        .build();
  }

  @Test
  void syncIsAnsweredWithOp20CutAtTheLimitAndEmptyWhenLogicFails() {
    try (WireClient client = client(ProtocolVersion.V2, 51)) {
      stub.onSync.set(
          request ->
              SyncResponse.newBuilder()
                  .setEpoch(EPOCH)
                  .setOldestSeq(1)
                  .setLatestSeq(4)
                  .addMessages(message(1, 400))
                  .addMessages(message(2, 400))
                  .addMessages(message(3, 400))
                  .build());
      send(client, Op.SYNC, 9, SyncBody.after(EPOCH, 0, 0).encode(ByteBufAllocator.DEFAULT));

      Received reply = client.await(Op.SYNC_REPLY);
      assertThat(reply.seq()).isEqualTo(9);
      ByteBuf body = Unpooled.wrappedBuffer(reply.body());
      assertThat(SyncReply.decode(body)).isEqualTo(new SyncReply(EPOCH, 1, 4, true, false));
      List<Frame> frames = SyncReply.messages(body, new FrameLimits(1 << 16));
      try {
        assertThat(frames)
            .extracting(f -> MessageEnvelope.decode(f.body()).seq())
            .containsExactly(1L, 2L);
        assertThat(frames).allSatisfy(f -> assertThat(f.op()).isEqualTo(Op.MESSAGE));
      } finally {
        frames.forEach(Frame::release);
      }
      SyncRequest asked = stub.syncs.get(stub.syncs.size() - 1);
      assertThat(asked.getKey()).isEqualTo(client.key());
      assertThat(asked.getMid()).isEqualTo(51);

      stub.onSync.set(
          request -> {
            throw Status.UNAVAILABLE.withDescription("inbox down").asRuntimeException();
          });
      send(client, Op.SYNC, 10, SyncBody.after(EPOCH, 2, 0).encode(ByteBufAllocator.DEFAULT));
      Received empty = client.await(Op.SYNC_REPLY);
      assertThat(empty.seq()).isEqualTo(10);
      assertThat(empty.body()).isEmpty();
    }
  }

  @Test
  void aBurstOfNotifyPushesBecomesFewNoticesTheLastWithTheNewestSeq() {
    try (WireClient client = client(ProtocolVersion.V2, 61)) {
      for (int seq = 1; seq <= 100; seq++) {
        push(client, 6000 + seq, seq, false, true, "n" + seq);
      }
      Received last =
          client.await(
              f ->
                  f.op() == Op.INBOX_NOTICE
                      && InboxNotice.decode(Unpooled.wrappedBuffer(f.body())).latestSeq() == 100,
              WAIT,
              "a notice of seq 100");
      List<Received> notices =
          client.frames().stream().filter(f -> f.op() == Op.INBOX_NOTICE).toList();
      assertThat(notices).hasSizeLessThanOrEqualTo(20).last().isEqualTo(last);
      assertThat(client.frames()).noneMatch(f -> f.op() == Op.MESSAGE || f.op() == 1000);
    }
  }

  @Test
  void manyAcksOfSeqsBecomeFewLogicAckCallsWithTheNewestSeqPerDevice() {
    try (WireClient first = client(ProtocolVersion.V2, 71);
        WireClient second = client(ProtocolVersion.V1, 72)) {
      int callsBefore = stub.acks.size();
      for (int seq = 1; seq <= 300; seq++) {
        send(first, Op.ACK, 0, AckBody.ofSeq(EPOCH, seq).encode(ByteBufAllocator.DEFAULT));
        if (seq % 3 == 0) {
          send(second, Op.ACK, 0, AckBody.ofSeq(EPOCH, seq / 3).encode(ByteBufAllocator.DEFAULT));
        }
      }
      await().atMost(WAIT).until(() -> newest(first.key()) == 300 && newest(second.key()) == 100);
      List<AckRequest> calls = stub.acks.subList(callsBefore, stub.acks.size());
      assertThat(calls.size()).as("Logic.Ack calls for 400 ACKs").isLessThan(40);
      assertThat(calls).allSatisfy(c -> assertThat(c.getServerId()).isEqualTo("comet-delivery"));
      assertThat(calls)
          .allSatisfy(
              c ->
                  assertThat(c.getCursorsList().stream().map(DeviceCursor::getKey))
                      .as("one cursor per device per call")
                      .doesNotHaveDuplicates());
    }
  }

  /** The stand-in Logic answers INVALID_ARGUMENT to an Ack carrying a cursor of this user. */
  private static final long REFUSED_MID = 666;

  @Test
  void anAckLogicRefusesIsDroppedAndCountedWhileOthersGoOn() {
    try (WireClient refused = client(ProtocolVersion.V2, REFUSED_MID);
        WireClient other = client(ProtocolVersion.V2, 74)) {
      double rejectedBefore = count("herald.comet.cursor.flushes", "result", "rejected");
      send(refused, Op.ACK, 0, AckBody.ofSeq(EPOCH, 5).encode(ByteBufAllocator.DEFAULT));
      await().atMost(WAIT).until(() -> newest(refused.key()) == 5);

      // Two more flushes at least: the refused cursor must not ride along.
      send(other, Op.ACK, 0, AckBody.ofSeq(EPOCH, 9).encode(ByteBufAllocator.DEFAULT));
      await().atMost(WAIT).until(() -> newest(other.key()) == 9);
      send(other, Op.ACK, 0, AckBody.ofSeq(EPOCH, 10).encode(ByteBufAllocator.DEFAULT));
      await().atMost(WAIT).until(() -> newest(other.key()) == 10);

      assertThat(
              stub.acks.stream()
                  .flatMap(c -> c.getCursorsList().stream())
                  .filter(c -> c.getKey().equals(refused.key())))
          .as("the refused cursor was sent once, not again at every flush")
          .hasSize(1);
      assertThat(count("herald.comet.cursor.flushes", "result", "rejected"))
          .isEqualTo(rejectedBefore + 1);
    }
  }

  private long newest(String key) {
    return stub.acks.stream()
        .flatMap(c -> c.getCursorsList().stream())
        .filter(c -> c.getKey().equals(key))
        .mapToLong(DeviceCursor::getSeq)
        .max()
        .orElse(0);
  }

  /** Logic over gRPC: accepts every AUTH as asked, records Ack, answers Sync as told. */
  private static final class StandInLogic extends LogicGrpc.LogicImplBase {
    private static final Pattern MID = Pattern.compile("\"mid\":(\\d+)");
    private static final Pattern KEY = Pattern.compile("\"key\":\"([^\"]*)\"");

    final List<AckRequest> acks = new CopyOnWriteArrayList<>();
    final List<SyncRequest> syncs = new CopyOnWriteArrayList<>();
    final AtomicReference<Function<SyncRequest, SyncResponse>> onSync =
        new AtomicReference<>(request -> SyncResponse.newBuilder().setEpoch(EPOCH).build());

    @Override
    public void connect(ConnectRequest request, StreamObserver<ConnectResponse> response) {
      String token = request.getToken().toStringUtf8();
      Matcher mid = MID.matcher(token);
      Matcher key = KEY.matcher(token);
      reply(
          response,
          ConnectResponse.newBuilder()
              .setMid(mid.find() ? Long.parseLong(mid.group(1)) : 1)
              .setKey(key.find() ? key.group(1) : "k")
              .setPlatform("web")
              .build());
    }

    @Override
    public void disconnect(DisconnectRequest request, StreamObserver<DisconnectResponse> response) {
      reply(response, DisconnectResponse.getDefaultInstance());
    }

    @Override
    public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> response) {
      reply(response, HeartbeatResponse.getDefaultInstance());
    }

    @Override
    public void renewOnline(
        RenewOnlineRequest request, StreamObserver<RenewOnlineResponse> response) {
      reply(response, RenewOnlineResponse.getDefaultInstance());
    }

    @Override
    public void joinRooms(JoinRoomsRequest request, StreamObserver<JoinRoomsResponse> response) {
      reply(response, JoinRoomsResponse.getDefaultInstance());
    }

    @Override
    public void ack(AckRequest request, StreamObserver<AckResponse> response) {
      acks.add(request);
      if (request.getCursorsList().stream().anyMatch(c -> c.getMid() == REFUSED_MID)) {
        response.onError(
            Status.INVALID_ARGUMENT.withDescription("a cursor Logic refuses").asRuntimeException());
        return;
      }
      reply(response, AckResponse.newBuilder().setMoved(request.getCursorsCount()).build());
    }

    @Override
    public void sync(SyncRequest request, StreamObserver<SyncResponse> response) {
      syncs.add(request);
      try {
        reply(response, onSync.get().apply(request));
      } catch (RuntimeException e) {
        response.onError(e);
      }
    }

    private static <T> void reply(StreamObserver<T> response, T value) {
      response.onNext(value);
      response.onCompleted();
    }
  }
}
