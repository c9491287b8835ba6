package io.herald.logic.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.herald.logic.api.GoimHttpClient.Reply;
import io.herald.logic.inbox.InboxConfig;
import io.herald.logic.inbox.InboxMetrics;
import io.herald.logic.inbox.MeteredInbox;
import io.herald.logic.inbox.RedisInbox;
import io.herald.logic.redis.RedisConnection;
import io.herald.logic.support.TestKafka;
import io.herald.logic.support.TestSessions;
import io.herald.logic.support.TopicReader;
import io.herald.proto.push.v1.InboxPosition;
import io.herald.proto.push.v1.PushAllRequest;
import io.herald.proto.push.v1.PushGrpc;
import io.herald.proto.push.v1.PushKeysRequest;
import io.herald.proto.push.v1.PushKeysResponse;
import io.herald.proto.push.v1.PushMidsRequest;
import io.herald.proto.push.v1.ReadInboxRequest;
import io.herald.proto.push.v1.ReadInboxResponse;
import io.herald.proto.queue.v1.PushMsg;
import io.herald.redis.RedisEndpoint;
import io.herald.testkit.FreePorts;
import io.herald.testkit.KafkaBroker;
import io.herald.testkit.RealKafka;
import io.herald.testkit.RealRedis;
import io.herald.testkit.RedisServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Stored pushes over gRPC and HTTP with inboxes in a real Redis and records in a real Kafka topic;
 * and with the inbox's Redis down, a stored push fails naming the inbox and publishes nothing.
 */
@RealRedis
@RealKafka
class StoredPushIT {
  private static final ByteString BODY = ByteString.copyFromUtf8("kept");

  private RedisConnection connection;
  private PushServer server;
  private TopicReader topic;
  private ManagedChannel channel;
  private PushGrpc.PushBlockingStub push;

  private void start(KafkaBroker kafka, String redisUri, String prefix) {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    connection =
        new RedisConnection(new RedisEndpoint(redisUri, prefix, Duration.ofMillis(500)), meters);
    connection.start();
    InboxMetrics metrics = new InboxMetrics(meters);
    String name = kafka.newTopic(1);
    server =
        new PushServer(
            TestKafka.producer(kafka.bootstrapServers(), name),
            new MeteredInbox(
                new RedisInbox(connection, InboxConfig.defaults(), Clock.systemUTC(), metrics),
                metrics));
    topic = new TopicReader(kafka, name);
    channel =
        Grpc.newChannelBuilder("127.0.0.1:" + server.port(), InsecureChannelCredentials.create())
            .build();
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
        "Bearer " + PushServer.TOKEN);
    push =
        PushGrpc.newBlockingStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
            .withDeadlineAfter(30, TimeUnit.SECONDS);
    TestSessions.put(server.sessions, 42, "phone-42", "comet-1");
    TestSessions.put(server.sessions, 42, "web-42", "comet-2");
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    topic.close();
    server.close();
    connection.stop();
  }

  @Test
  void aStoredKeysPushOverGrpcIsReadBackWithReadInbox(KafkaBroker kafka, RedisServer redis) {
    start(kafka, redis.uri(), redis.keyPrefix() + "p");

    PushKeysResponse reply =
        push.pushKeys(
            PushKeysRequest.newBuilder()
                .setOp(1005)
                .addKeys("phone-42")
                .addKeys("web-42")
                .setBody(BODY)
                .setStore(true)
                .build());

    assertThat(reply.getStoredList()).hasSize(1);
    InboxPosition stored = reply.getStored(0);
    assertThat(stored.getMid()).isEqualTo(42);
    assertThat(stored.getSeq()).isOne();
    assertThat(topic.take(2))
        .extracting(TopicReader.Read::msg)
        .allSatisfy(
            record -> {
              assertThat(record.getMidsList()).containsExactly(42L);
              assertThat(record.getInboxEpoch()).isEqualTo(stored.getEpoch());
              assertThat(record.getInboxSeq()).isOne();
              assertThat(record.getRequireAck()).isFalse();
            })
        .extracting(PushMsg::getServerId)
        .containsExactlyInAnyOrder("comet-1", "comet-2");

    ReadInboxResponse inbox = push.readInbox(ReadInboxRequest.newBuilder().setMid(42).build());
    assertThat(inbox.getEpoch()).isEqualTo(stored.getEpoch());
    assertThat(inbox.getLatestSeq()).isOne();
    assertThat(inbox.getMessages(0).getMessageId()).isEqualTo(reply.getMessageId());
    assertThat(inbox.getMessages(0).getOp()).isEqualTo(1005);
    assertThat(inbox.getMessages(0).getBody()).isEqualTo(BODY);
    assertThatThrownBy(
            () -> push.readInbox(ReadInboxRequest.newBuilder().setMid(42).setLimit(1001).build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
  }

  @Test
  void withTheInboxDownAStoredPushFailsNamingItAndNothingIsPublished(KafkaBroker kafka) {
    start(kafka, "redis://127.0.0.1:" + FreePorts.next(), "down");
    GoimHttpClient http = GoimHttpClient.withToken(server.port(), PushServer.TOKEN);

    Reply reply = http.post("/goim/push/mids?operation=1000&mids=42&store=true", "x");
    assertThat(reply.code()).isEqualTo(-500);
    assertThat(reply.message()).startsWith("inbox: ");
    assertThatThrownBy(
            () ->
                push.pushMids(
                    PushMidsRequest.newBuilder()
                        .setOp(1000)
                        .addMids(42)
                        .setBody(BODY)
                        .setStore(true)
                        .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(e.getStatus().getDescription()).startsWith("inbox: ");
            });
    assertThatThrownBy(() -> push.readInbox(ReadInboxRequest.newBuilder().setMid(42).build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    assertThat(http.get("/herald/inbox?mid=42").code()).isEqualTo(-500);

    long marker =
        push.pushAll(PushAllRequest.newBuilder().setOp(1000).setBody(BODY).build()).getMessageId();
    assertThat(topic.takeOne().msg().getMessageId())
        .as("the first record is the marker: the stored pushes published nothing")
        .isEqualTo(marker);
  }
}
