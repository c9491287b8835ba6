package io.herald.comet.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.google.protobuf.ByteString;
import io.herald.comet.push.Pusher;
import io.herald.comet.session.Buckets;
import io.herald.comet.session.Connection;
import io.herald.comet.session.TransportKind;
import io.herald.proto.comet.v1.BroadcastRequest;
import io.herald.proto.comet.v1.BroadcastRoomRequest;
import io.herald.proto.comet.v1.DrainRequest;
import io.herald.proto.comet.v1.DrainResponse;
import io.herald.proto.comet.v1.KickReason;
import io.herald.proto.comet.v1.KickRequest;
import io.herald.proto.comet.v1.KickResponse;
import io.herald.proto.comet.v1.PushMsgRequest;
import io.herald.proto.comet.v1.PushMsgResponse;
import io.herald.proto.comet.v1.PushMsgResult;
import io.herald.proto.comet.v1.PushMsgsRequest;
import io.herald.proto.comet.v1.PushMsgsResponse;
import io.herald.proto.comet.v1.ResyncRequest;
import io.herald.proto.comet.v1.ResyncResponse;
import io.herald.proto.comet.v1.RoomsRequest;
import io.herald.proto.comet.v1.RoomsResponse;
import io.herald.proto.common.v1.Frame;
import io.herald.proto.common.v1.NodeAddress;
import io.herald.wire.FrameCodec;
import io.herald.wire.FrameLimits;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Comet service over a real {@link Pusher} and {@link Buckets}, with {@link EmbeddedChannel}s
 * as client connections: what each call writes to which client, and which requests it refuses.
 */
class CometGrpcServiceTest {
  private static final long EPOCH = 1_700_000_000_000L;
  private static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);

  private final Buckets buckets = new Buckets(4);
  private final List<EmbeddedChannel> channels = new ArrayList<>();
  private final List<Drain> drains = new ArrayList<>();
  private final List<String> resyncs = new ArrayList<>();
  private final CometGrpcService service =
      new CometGrpcService(
          new Pusher(buckets, new SimpleMeterRegistry()),
          buckets,
          "comet-t",
          EPOCH,
          64,
          DEFAULT_GRACE,
          (hints, grace) -> {
            drains.add(new Drain(hints, grace));
            return new DrainStatus(buckets.size(), Instant.ofEpochMilli(42), drains.size() > 1);
          },
          incarnation -> {
            resyncs.add(incarnation);
            return buckets.size();
          });

  private record Drain(List<NodeAddress> hints, Duration grace) {}

  /** A frame a client received, copied out. */
  private record Received(ProtocolVersion version, int op, String body) {}

  @AfterEach
  void close() {
    channels.forEach(channel -> assertThat(channel.finishAndReleaseAll()).isFalse());
  }

  private EmbeddedChannel connect(String key, ProtocolVersion version, String... rooms) {
    return connect(1, key, version, rooms);
  }

  private EmbeddedChannel connect(int id, String key, ProtocolVersion version, String... rooms) {
    EmbeddedChannel channel = new EmbeddedChannel();
    channels.add(channel);
    Connection connection =
        new Connection(channel, TransportKind.TCP, id, 7, key, "web", version, Set.of(rooms), null);
    buckets.add(connection);
    return channel;
  }

  /** Every frame written to {@code channel} so far, decoded (pushes are encoded buffers). */
  private static List<Received> received(EmbeddedChannel channel) {
    List<Received> frames = new ArrayList<>();
    for (Object out; (out = channel.readOutbound()) != null; ) {
      if (out instanceof ByteBuf buf) {
        try {
          while (buf.isReadable()) {
            frames.add(copy(FrameCodec.decode(buf, FrameLimits.DEFAULT)));
          }
        } finally {
          buf.release();
        }
      } else {
        frames.add(copy((io.herald.wire.Frame) out));
      }
    }
    return frames;
  }

  private static Received copy(io.herald.wire.Frame frame) {
    try {
      return new Received(
          frame.version(), frame.op(), frame.body().toString(StandardCharsets.UTF_8));
    } finally {
      frame.release();
    }
  }

  @Test
  void pushMsgWritesToTheKeysHeldHereAndReportsTheOthersAbsent() {
    EmbeddedChannel a = connect("a", ProtocolVersion.V1);
    EmbeddedChannel b = connect("b", ProtocolVersion.V2);
    Recorded<PushMsgResponse> reply = new Recorded<>();

    service.pushMsg(
        PushMsgRequest.newBuilder()
            .addAllKeys(List.of("a", "gone", "b"))
            .setOp(1000)
            .setBody(ByteString.copyFromUtf8("hi"))
            .build(),
        reply);

    assertThat(reply.reply().getAbsentKeysList()).containsExactly("gone");
    assertThat(received(a)).containsExactly(new Received(ProtocolVersion.V1, 1000, "hi"));
    assertThat(received(b)).containsExactly(new Received(ProtocolVersion.V2, 1000, "hi"));
  }

  @Test
  void pushMsgRefusesNoKeysTooManyKeysAndAnOversizedBody() {
    assertThatThrownBy(() -> service.pushMsg(PushMsgRequest.newBuilder().build(), new Recorded<>()))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("keys: none (expected: at least one)");
    PushMsgRequest.Builder many = PushMsgRequest.newBuilder().setOp(1000);
    for (int i = 0; i <= CometGrpcService.MAX_KEYS; i++) {
      many.addKeys("k" + i);
    }
    assertThatThrownBy(() -> service.pushMsg(many.build(), new Recorded<>()))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("keys: 1001 (expected: at most 1000 per request)");
    assertThatThrownBy(
            () ->
                service.pushMsg(
                    PushMsgRequest.newBuilder()
                        .addKeys("a")
                        .setBody(ByteString.copyFrom(new byte[65]))
                        .build(),
                    new Recorded<>()))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("body: 65 bytes (expected: at most 64)");
    assertThatThrownBy(
            () ->
                service.pushMsg(
                    PushMsgRequest.newBuilder().addKeys("a").setRequireAck(true).build(),
                    new Recorded<>()))
        .isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void pushMsgsWritesEachPushInOrderAndRefusesAMalformedOneAlone() {
    EmbeddedChannel a = connect("a", ProtocolVersion.V1);
    EmbeddedChannel b = connect("b", ProtocolVersion.V1);
    Recorded<PushMsgsResponse> reply = new Recorded<>();
    PushMsgRequest.Builder push =
        PushMsgRequest.newBuilder().setOp(1000).setBody(ByteString.copyFromUtf8("one"));

    service.pushMsgs(
        PushMsgsRequest.newBuilder()
            .addPushes(push.clone().addAllKeys(List.of("a", "gone")))
            .addPushes(push.clone().addKeys("a").setBody(ByteString.copyFrom(new byte[65])).build())
            .addPushes(push.clone().addKeys("b").setBody(ByteString.copyFromUtf8("two")))
            .addPushes(push.clone().addKeys("a").setBody(ByteString.copyFromUtf8("three")))
            .build(),
        reply);

    assertThat(reply.reply().getResultsList())
        .extracting(r -> List.copyOf(r.getAbsentKeysList()), PushMsgResult::getInvalid)
        .containsExactly(
            tuple(List.of("gone"), ""),
            tuple(List.of(), "body: 65 bytes (expected: at most 64)"),
            tuple(List.of(), ""),
            tuple(List.of(), ""));
    assertThat(received(a))
        .containsExactly(
            new Received(ProtocolVersion.V1, 1000, "one"),
            new Received(ProtocolVersion.V1, 1000, "three"));
    assertThat(received(b)).containsExactly(new Received(ProtocolVersion.V1, 1000, "two"));
  }

  @Test
  void pushMsgsRefusesNoPushesAndTooMany() {
    assertThatThrownBy(
            () -> service.pushMsgs(PushMsgsRequest.getDefaultInstance(), new Recorded<>()))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("pushes: 0 (expected: 1-1000 per request)");
    PushMsgsRequest.Builder many = PushMsgsRequest.newBuilder();
    for (int i = 0; i <= CometGrpcService.MAX_PUSHES; i++) {
      many.addPushes(PushMsgRequest.newBuilder().addKeys("k").setOp(1000));
    }
    assertThatThrownBy(() -> service.pushMsgs(many.build(), new Recorded<>()))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("pushes: 1001 (expected: 1-1000 per request)");
  }

  @Test
  void broadcastRoomReachesTheMembersOnly() {
    EmbeddedChannel member = connect("a", ProtocolVersion.V1, "live://1");
    EmbeddedChannel other = connect("b", ProtocolVersion.V1, "live://2");
    Recorded<io.herald.proto.comet.v1.BroadcastRoomResponse> reply = new Recorded<>();

    service.broadcastRoom(
        BroadcastRoomRequest.newBuilder()
            .setRoomId("live://1")
            .addFrames(frame(1001, "x"))
            .addFrames(frame(1002, "y"))
            .build(),
        reply);

    assertThat(reply.reply().getRecipients()).isOne();
    assertThat(received(member))
        .containsExactly(
            new Received(ProtocolVersion.V1, 1001, "x"),
            new Received(ProtocolVersion.V1, 1002, "y"));
    assertThat(received(other)).isEmpty();
  }

  @Test
  void broadcastRoomRefusesAnEmptyRoomIdNoFramesAndAnOversizedFrame() {
    assertThatThrownBy(
            () ->
                service.broadcastRoom(
                    BroadcastRoomRequest.newBuilder().addFrames(frame(1001, "x")).build(),
                    new Recorded<>()))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("room_id: empty (expected: type://id)");
    assertThatThrownBy(
            () ->
                service.broadcastRoom(
                    BroadcastRoomRequest.newBuilder().setRoomId("live://1").build(),
                    new Recorded<>()))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("frames: none (expected: at least one)");
    assertThatThrownBy(
            () ->
                service.broadcastRoom(
                    BroadcastRoomRequest.newBuilder()
                        .setRoomId("live://1")
                        .addFrames(frame(1001, "x"))
                        .addFrames(frame(1001, "y".repeat(65)))
                        .build(),
                    new Recorded<>()))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("frames[1].body: 65 bytes (expected: at most 64)");
  }

  @Test
  void broadcastReachesEveryConnection() {
    EmbeddedChannel a = connect("a", ProtocolVersion.V1);
    EmbeddedChannel b = connect("b", ProtocolVersion.V2, "live://1");
    Recorded<io.herald.proto.comet.v1.BroadcastResponse> reply = new Recorded<>();

    service.broadcast(
        BroadcastRequest.newBuilder().setOp(1003).setBody(ByteString.copyFromUtf8("all")).build(),
        reply);

    assertThat(reply.reply().getRecipients()).isEqualTo(2);
    assertThat(received(a)).containsExactly(new Received(ProtocolVersion.V1, 1003, "all"));
    assertThat(received(b)).containsExactly(new Received(ProtocolVersion.V2, 1003, "all"));
    assertThatThrownBy(
            () ->
                service.broadcast(
                    BroadcastRequest.newBuilder().setOp(1003).setSpeed(-1).build(),
                    new Recorded<>()))
        .isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void roomsListsTheMemberCountsWithThisCometsIdentity() {
    connect("a", ProtocolVersion.V1, "live://1");
    connect("b", ProtocolVersion.V1, "live://1", "live://2");
    Recorded<RoomsResponse> reply = new Recorded<>();

    service.rooms(RoomsRequest.getDefaultInstance(), reply);

    assertThat(reply.reply().getRoomCountsMap())
        .containsExactlyInAnyOrderEntriesOf(Map.of("live://1", 2, "live://2", 1));
    assertThat(reply.reply().getServerId()).isEqualTo("comet-t");
    assertThat(reply.reply().getEpoch()).isEqualTo(EPOCH);
  }

  @Test
  void kickTellsAVersion2ClientWhyAndClosesIt() {
    EmbeddedChannel v2 = connect("a", ProtocolVersion.V2);
    EmbeddedChannel v1 = connect("b", ProtocolVersion.V1);
    EmbeddedChannel untouched = connect("c", ProtocolVersion.V2);

    KickResponse reply =
        kick(
            KickRequest.newBuilder()
                .addAllKeys(List.of("a", "b", "absent", "a"))
                .setReason(KickReason.KICK_REASON_DUPLICATE_LOGIN)
                .setMessage("signed in on another phone")
                .setEpoch(EPOCH));

    assertThat(reply.getKickedKeysList()).containsExactly("a", "b");
    assertThat(received(v2))
        .containsExactly(
            new Received(
                ProtocolVersion.V2,
                Op.DISCONNECT_REPLY,
                "duplicate_login: signed in on another phone"));
    assertThat(v2.isOpen()).isFalse();
    // goim's clients know no op 6: closed without it.
    assertThat(received(v1)).isEmpty();
    assertThat(v1.isOpen()).isFalse();
    assertThat(untouched.isOpen()).isTrue();
  }

  @Test
  void kickWithAnotherIncarnationsEpochKicksNothing() {
    EmbeddedChannel a = connect("a", ProtocolVersion.V2);

    KickResponse fenced =
        kick(KickRequest.newBuilder().addKeys("a").setEpoch(EPOCH - 1).setReason(admin()));

    assertThat(fenced.getKickedKeysList()).isEmpty();
    assertThat(a.isOpen()).isTrue();
    assertThat(received(a)).isEmpty();

    // No fence (epoch 0) kicks whatever holds the key here; UNSPECIFIED reads as admin.
    assertThat(kick(KickRequest.newBuilder().addKeys("a")).getKickedKeysList())
        .containsExactly("a");
    assertThat(received(a))
        .containsExactly(new Received(ProtocolVersion.V2, Op.DISCONNECT_REPLY, "admin"));
  }

  @Test
  void kickWithConnectionIdsClosesOnlyTheConnectionsItNames() {
    EmbeddedChannel named = connect(5, "a", ProtocolVersion.V2);
    EmbeddedChannel newer = connect(9, "b", ProtocolVersion.V2);

    KickResponse reply =
        kick(
            KickRequest.newBuilder()
                .addKeys("a")
                .addConnIds(5)
                .addKeys("b")
                .addConnIds(8) // b's older connection, gone: its newer one stays
                .setEpoch(EPOCH)
                .setReason(admin()));

    assertThat(reply.getKickedKeysList()).containsExactly("a");
    assertThat(named.isOpen()).isFalse();
    assertThat(newer.isOpen()).isTrue();
    assertThat(received(named)).hasSize(1);
    assertThatThrownBy(() -> kick(KickRequest.newBuilder().addKeys("a").addKeys("b").addConnIds(5)))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("conn_ids: 1 (expected: none, or one per key: 2)");
  }

  @Test
  void resyncStartsReannouncingWithTheStoresIncarnationAndSaysHowManyConnections() {
    connect("a", ProtocolVersion.V1);
    connect("b", ProtocolVersion.V2);
    Recorded<ResyncResponse> reply = new Recorded<>();

    service.resync(ResyncRequest.newBuilder().setStoreIncarnation("inc-2").build(), reply);

    assertThat(resyncs).containsExactly("inc-2");
    assertThat(reply.reply().getConnections()).isEqualTo(2);
  }

  @Test
  void kickRefusesNoKeysAndAnOverlongMessage() {
    assertThatThrownBy(() -> kick(KickRequest.newBuilder()))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("keys: none (expected: at least one)");
    assertThatThrownBy(
            () -> kick(KickRequest.newBuilder().addKeys("a").setMessage("é".repeat(129))))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("message: 258 bytes (expected: at most 256)");
  }

  @Test
  void drainStartsDrainingWithTheDefaultGraceUnlessOneIsGiven() {
    connect("a", ProtocolVersion.V1);
    NodeAddress hint = NodeAddress.newBuilder().setServerId("comet-u").setTcp("u:3101").build();

    DrainResponse first = drain(DrainRequest.newBuilder().addHints(hint));
    DrainResponse second = drain(DrainRequest.newBuilder().setGraceMs(5_000));

    assertThat(drains)
        .containsExactly(
            new Drain(List.of(hint), DEFAULT_GRACE), new Drain(List.of(), Duration.ofSeconds(5)));
    assertThat(first.getConnections()).isOne();
    assertThat(first.getDeadlineUnixMs()).isEqualTo(42);
    assertThat(first.getAlreadyDraining()).isFalse();
    assertThat(second.getAlreadyDraining()).isTrue();
    assertThatThrownBy(() -> drain(DrainRequest.newBuilder().setGraceMs(600_001)))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("grace_ms: 600001 (expected: 0-600000)");
    assertThatThrownBy(() -> drain(DrainRequest.newBuilder().setGraceMs(-1)))
        .isInstanceOf(InvalidRequestException.class);
  }

  private KickResponse kick(KickRequest.Builder request) {
    Recorded<KickResponse> reply = new Recorded<>();
    service.kick(request.build(), reply);
    return reply.reply();
  }

  private DrainResponse drain(DrainRequest.Builder request) {
    Recorded<DrainResponse> reply = new Recorded<>();
    service.drain(request.build(), reply);
    return reply.reply();
  }

  private static KickReason admin() {
    return KickReason.KICK_REASON_ADMIN;
  }

  private static Frame frame(int op, String body) {
    return Frame.newBuilder().setOp(op).setBody(ByteString.copyFromUtf8(body)).build();
  }
}
