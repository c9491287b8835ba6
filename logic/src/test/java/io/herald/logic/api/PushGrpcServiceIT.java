package io.herald.logic.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.herald.logic.support.TestKafka;
import io.herald.logic.support.TestSessions;
import io.herald.logic.support.TopicReader;
import io.herald.ops.auth.BearerToken;
import io.herald.proto.push.v1.OnlineRoomRequest;
import io.herald.proto.push.v1.OnlineTopRequest;
import io.herald.proto.push.v1.OnlineTotalRequest;
import io.herald.proto.push.v1.PushAllRequest;
import io.herald.proto.push.v1.PushGrpc;
import io.herald.proto.push.v1.PushKeysRequest;
import io.herald.proto.push.v1.PushKeysResponse;
import io.herald.proto.push.v1.PushMidsRequest;
import io.herald.proto.push.v1.PushMidsResponse;
import io.herald.proto.push.v1.PushRoomRequest;
import io.herald.proto.push.v1.RoomOnline;
import io.herald.proto.queue.v1.PushType;
import io.herald.testkit.KafkaBroker;
import io.herald.testkit.RealKafka;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** gRPC {@code herald.push.v1.Push} over a real socket, publishing to a real Kafka topic. */
@RealKafka
class PushGrpcServiceIT {
  private static final ByteString BODY = ByteString.copyFromUtf8("over grpc");

  private PushServer server;
  private TopicReader topic;
  private ManagedChannel channel;
  private PushGrpc.PushBlockingStub push;

  @BeforeEach
  void start(KafkaBroker kafka) {
    String name = kafka.newTopic(1);
    server = new PushServer(TestKafka.producer(kafka.bootstrapServers(), name));
    topic = new TopicReader(kafka, name);
    channel =
        Grpc.newChannelBuilder("127.0.0.1:" + server.port(), InsecureChannelCredentials.create())
            .build();
    push = stub("Bearer " + PushServer.TOKEN);
    TestSessions.put(server.sessions, 42, "phone-42", "comet-1");
    TestSessions.put(server.sessions, 42, "web-42", "comet-2");
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    topic.close();
    server.close();
  }

  @Test
  void pushKeysQueuesOneRecordPerServer() {
    PushKeysResponse reply =
        push.pushKeys(
            PushKeysRequest.newBuilder()
                .setOp(1000)
                .addKeys("phone-42")
                .addKeys("gone")
                .setBody(BODY)
                .setRequireAck(true)
                .build());

    assertThat(reply.getOfflineKeysList()).containsExactly("gone");
    TopicReader.Read read = topic.takeOne();
    assertThat(read.msg().getMessageId()).isEqualTo(reply.getMessageId());
    assertThat(read.msg().getServerId()).isEqualTo("comet-1");
    assertThat(read.msg().getRequireAck()).isTrue();
  }

  @Test
  void pushMidsQueuesARecordForEachServerOfTheUser() {
    PushMidsResponse reply =
        push.pushMids(
            PushMidsRequest.newBuilder().setOp(1000).addMids(42).addMids(7).setBody(BODY).build());

    assertThat(reply.getOfflineMidsList()).containsExactly(7L);
    assertThat(topic.take(2))
        .extracting(read -> read.msg().getServerId())
        .containsExactlyInAnyOrder("comet-1", "comet-2");
  }

  @Test
  void pushRoomAndPushAllQueueOneRecordEach() {
    long roomId =
        push.pushRoom(
                PushRoomRequest.newBuilder()
                    .setOp(1000)
                    .setType("live")
                    .setRoom("1000")
                    .setBody(BODY)
                    .build())
            .getMessageId();
    long allId =
        push.pushAll(PushAllRequest.newBuilder().setOp(1000).setSpeed(10).setBody(BODY).build())
            .getMessageId();

    var records = topic.take(2);
    assertThat(records.get(0).msg().getRoom()).isEqualTo("live://1000");
    assertThat(records.get(0).msg().getMessageId()).isEqualTo(roomId);
    assertThat(records.get(1).msg().getType()).isEqualTo(PushType.PUSH_TYPE_BROADCAST);
    assertThat(records.get(1).msg().getMessageId()).isEqualTo(allId);
  }

  @Test
  void onlineQueriesAnswerFromTheClusterCounts() {
    assertThat(
            push.onlineTop(OnlineTopRequest.newBuilder().setType("live").setLimit(1).build())
                .getRoomsList())
        .extracting(RoomOnline::getRoomId, RoomOnline::getCount)
        .containsExactly(tuple("1000", 12));
    assertThat(
            push.onlineRoom(
                    OnlineRoomRequest.newBuilder()
                        .setType("live")
                        .addRooms("1001")
                        .addRooms("5")
                        .build())
                .getCountsMap())
        .containsExactlyInAnyOrderEntriesOf(Map.of("1001", 3, "5", 0));
    var total = push.onlineTotal(OnlineTotalRequest.getDefaultInstance());
    assertThat(total.getIpCount()).isEqualTo(4);
    assertThat(total.getConnCount()).isEqualTo(20);
  }

  @Test
  void aBadRequestIsInvalidArgumentNamingTheParameter() {
    assertStatus(
        () -> push.pushKeys(PushKeysRequest.newBuilder().setOp(1000).setBody(BODY).build()),
        Status.Code.INVALID_ARGUMENT,
        "keys: empty (expected: 1 to 3 device keys)");
    assertStatus(
        () -> push.pushRoom(PushRoomRequest.newBuilder().setOp(1000).setType("live").build()),
        Status.Code.INVALID_ARGUMENT,
        "room: missing (expected: a value)");
    assertStatus(
        () -> push.onlineTop(OnlineTopRequest.newBuilder().setType("live").build()),
        Status.Code.INVALID_ARGUMENT,
        "limit: 0 (expected: 1-1000)");
    assertStatus(
        () ->
            push.pushMids(
                PushMidsRequest.newBuilder().setOp(1000).addMids(42).setNotify(true).build()),
        Status.Code.INVALID_ARGUMENT,
        "notify: true needs store: true");
  }

  @Test
  void protocolOpsAreInvalidArgumentsSoNothingIsQueuedForJobToDrop() {
    assertStatus(
        () ->
            push.pushRoom(
                PushRoomRequest.newBuilder()
                    .setOp(9)
                    .setType("live")
                    .setRoom("1000")
                    .setBody(BODY)
                    .build()),
        Status.Code.INVALID_ARGUMENT,
        "operation: 9 (expected: >= 1000, a business op; 9 is the wire protocol's RAW)");
    assertStatus(
        () ->
            push.pushKeys(
                PushKeysRequest.newBuilder().setOp(8).addKeys("phone-42").setBody(BODY).build()),
        Status.Code.INVALID_ARGUMENT,
        "operation: 8 (expected: >= 1000, a business op; 8 is the wire protocol's AUTH_REPLY)");
    assertStatus(
        () -> push.pushMids(PushMidsRequest.newBuilder().setOp(500).addMids(42).build()),
        Status.Code.INVALID_ARGUMENT,
        "operation: 500 (expected: >= 1000, a business op; 0-999 are reserved for the wire"
            + " protocol)");
    // An op left unset is 0, goim's HANDSHAKE: refused too, not pushed as op 0.
    assertStatus(
        () -> push.pushAll(PushAllRequest.newBuilder().setBody(BODY).build()),
        Status.Code.INVALID_ARGUMENT,
        "operation: 0 (expected: >= 1000, a business op; 0 is the wire protocol's HANDSHAKE)");
    assertThat(server.pushes("room", "bad_request")).isEqualTo(1);

    long marker =
        push.pushAll(PushAllRequest.newBuilder().setOp(1000).setBody(BODY).build()).getMessageId();
    assertThat(topic.takeOne().msg().getMessageId()).isEqualTo(marker);
  }

  @Test
  void withoutTheTokenEveryCallIsUnauthenticatedAndNothingMoves() {
    for (PushGrpc.PushBlockingStub caller :
        List.of(PushGrpc.newBlockingStub(channel), stub("Bearer wrong-token"))) {
      assertStatus(
          () -> caller.pushAll(PushAllRequest.newBuilder().setOp(1000).setBody(BODY).build()),
          Status.Code.UNAUTHENTICATED,
          null);
      assertStatus(
          () -> caller.onlineTotal(OnlineTotalRequest.getDefaultInstance()),
          Status.Code.UNAUTHENTICATED,
          null);
    }
    assertThat(server.pushes("all", "unauthorized")).isEqualTo(2);

    long marker =
        push.pushAll(PushAllRequest.newBuilder().setOp(1001).setBody(BODY).build()).getMessageId();
    assertThat(topic.takeOne().msg().getMessageId()).isEqualTo(marker);
  }

  @Test
  void anUnreachableBrokerIsUnavailable() {
    try (PushServer dead =
        new PushServer(TestKafka.producer(TestKafka.deadBroker(), "herald-push"))) {
      ManagedChannel deadChannel =
          Grpc.newChannelBuilder("127.0.0.1:" + dead.port(), InsecureChannelCredentials.create())
              .build();
      try {
        PushGrpc.PushBlockingStub client =
            withToken(PushGrpc.newBlockingStub(deadChannel), "Bearer " + PushServer.TOKEN);
        assertStatus(
            () ->
                client.pushRoom(
                    PushRoomRequest.newBuilder()
                        .setOp(1000)
                        .setType("live")
                        .setRoom("1000")
                        .build()),
            Status.Code.UNAVAILABLE,
            "not queued");
      } finally {
        deadChannel.shutdownNow();
      }
    }
  }

  private PushGrpc.PushBlockingStub stub(String authorization) {
    return withToken(PushGrpc.newBlockingStub(channel), authorization);
  }

  private static PushGrpc.PushBlockingStub withToken(
      PushGrpc.PushBlockingStub stub, String authorization) {
    Metadata headers = new Metadata();
    headers.put(BearerToken.GRPC_AUTHORIZATION, authorization);
    return stub.withDeadlineAfter(20, TimeUnit.SECONDS)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private static void assertStatus(Runnable call, Status.Code code, String description) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(code);
              if (description != null) {
                assertThat(e.getStatus().getDescription()).contains(description);
              }
            });
  }
}
