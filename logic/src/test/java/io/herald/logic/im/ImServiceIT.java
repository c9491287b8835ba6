package io.herald.logic.im;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.sun.net.httpserver.HttpServer;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.herald.config.ConfigLoader;
import io.herald.logic.server.LogicConfig;
import io.herald.logic.server.LogicServer;
import io.herald.logic.support.TopicReader;
import io.herald.proto.logic.v1.JoinRoomsRequest;
import io.herald.proto.logic.v1.LogicGrpc;
import io.herald.proto.logic.v1.ReceiveRequest;
import io.herald.proto.logic.v1.ReceiveResponse;
import io.herald.proto.queue.v1.PushMsg;
import io.herald.proto.queue.v1.PushType;
import io.herald.testkit.FreePorts;
import io.herald.testkit.KafkaBroker;
import io.herald.testkit.PostgresServer;
import io.herald.testkit.RealKafka;
import io.herald.testkit.RealPostgres;
import io.herald.testkit.RealRedis;
import io.herald.testkit.RedisServer;
import io.herald.wire.Op;
import io.herald.wire.chat.ChatError;
import io.herald.wire.chat.ChatHistory;
import io.herald.wire.chat.ChatHistoryReply;
import io.herald.wire.chat.ChatMessage;
import io.herald.wire.chat.ChatNotice;
import io.herald.wire.chat.ChatSend;
import io.herald.wire.chat.ChatSendReply;
import io.herald.wire.chat.ChatStatus;
import io.herald.wire.chat.Conversation;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The IM layer through a whole Logic on real sockets: chat ops through the Comet-facing {@code
 * Receive}, the backend's {@code /herald/im} API, messages in a real PostgreSQL, write fan-out into
 * inboxes in a real Redis, pushes as records on a real Kafka topic, and a real HTTP policy webhook.
 */
@RealRedis
@RealKafka
@RealPostgres
class ImServiceIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "im-secret-0123456789";
  private static final String COMET = "comet-im";

  private final List<LogicServer> logics = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private HttpServer policy;
  private final AtomicInteger policyCalls = new AtomicInteger();
  private RedisServer redis;
  private KafkaBroker kafka;
  private PostgresServer postgres;
  private Path dir;
  private TopicReader topic;
  private String topicName;
  private LogicGrpc.LogicBlockingStub comet;
  private WebClient http;

  private final PrometheusMeterRegistry meters =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  @BeforeEach
  void start(RedisServer redis, KafkaBroker kafka, PostgresServer postgres, @TempDir Path dir)
      throws Exception {
    this.redis = redis;
    this.kafka = kafka;
    this.postgres = postgres;
    this.dir = dir;
    policy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    policy.createContext(
        "/policy",
        exchange -> {
          policyCalls.incrementAndGet();
          JsonNode asked = JSON.readTree(exchange.getRequestBody().readAllBytes());
          byte[] answer =
              (asked.get("to").asLong() == 666
                      ? "{\"allow\":false,\"reason\":\"blocked\"}"
                      : "{\"allow\":true}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    policy.start();
    topicName = kafka.newTopic(1);
    topic = new TopicReader(kafka, topicName);
    int[] ports = startLogic(postgres.jdbcUrl());
    comet = stub(ports[1]);
    http = WebClient.of("http://127.0.0.1:" + ports[0]);
  }

  /** A Logic on {@code databaseUrl}: its HTTP and gRPC ports. */
  private int[] startLogic(String databaseUrl) throws Exception {
    int httpPort = FreePorts.next();
    int grpcPort = FreePorts.next();
    Path file = dir.resolve("logic-" + httpPort + ".yaml");
    Files.writeString(
        file,
        String.join(
            "\n",
            "server: {host: 127.0.0.1, httpPort: " + httpPort + ", grpcPort: " + grpcPort + "}",
            "auth: {mode: trust, allowTrust: true}",
            "store:",
            "  backend: redis",
            "  redis: {uri: '" + redis.uri() + "', keyPrefix: '" + redis.keyPrefix() + "im'}",
            "push:",
            "  kafka: {bootstrapServers: '"
                + kafka.bootstrapServers()
                + "', topic: "
                + topicName
                + "}",
            "  api: {requireToken: true, tokens: [" + TOKEN + "]}",
            "registry: {backend: memory}",
            "im:",
            "  enabled: true",
            "  database: {url: '" + databaseUrl + "', poolSize: 2, connectTimeout: 500ms}",
            "  writeFanoutMaxMembers: 3",
            "  maxGroupMembers: 6",
            "  maxReadFanoutGroupsPerUser: 1",
            "  maxMessageBytes: 100",
            "  sendsPerSecond: 1",
            "  sendBurst: 5",
            "  policy: {url: 'http://127.0.0.1:" + policy.getAddress().getPort() + "/policy'}",
            ""));
    LogicConfig config =
        new ConfigLoader<>(LogicConfig.class, LogicConfig.defaults(), "LOGIC")
            .load(file, Map.of())
            .config();
    LogicServer logic = new LogicServer(config, Clock.systemUTC(), meters);
    logics.add(logic);
    logic.start();
    return new int[] {httpPort, grpcPort};
  }

  private LogicGrpc.LogicBlockingStub stub(int grpcPort) {
    ManagedChannel channel =
        Grpc.newChannelBuilder("127.0.0.1:" + grpcPort, InsecureChannelCredentials.create())
            .build();
    channels.add(channel);
    return LogicGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws InterruptedException {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    logics.forEach(LogicServer::stop);
    topic.close();
    policy.stop(0);
  }

  @Test
  void aOneToOneMessageIsInBothInboxesUnderOneIdAndARetryIsTheSameMessage() throws Exception {
    ChatSend send = new ChatSend(Conversation.user(102), 77, 1, utf8("hi"));

    ReceiveResponse first = receive(comet, 101, Op.CHAT_SEND, send::encode);
    ReceiveResponse retry = receive(comet, 101, Op.CHAT_SEND, send::encode);

    assertThat(first.getReplyOp()).isEqualTo(Op.CHAT_SEND_REPLY);
    ChatSendReply sent = ChatSendReply.decode(buf(first.getReplyBody()));
    assertThat(sent.seq()).isOne();
    assertThat(sent.duplicate()).isFalse();
    assertThat(first.getMessageId()).isEqualTo(sent.messageId());
    ChatSendReply again = ChatSendReply.decode(buf(retry.getReplyBody()));
    assertThat(again.duplicate()).isTrue();
    assertThat(again.messageId()).isEqualTo(sent.messageId());
    assertThat(again.seq()).isOne();
    for (long mid : new long[] {101, 102}) {
      List<JsonNode> messages = inbox(mid);
      assertThat(messages).as("inbox of %s", mid).hasSize(1);
      assertThat(messages.get(0).get("op").asInt()).isEqualTo(Op.CHAT_MESSAGE);
      assertThat(messages.get(0).get("message_id").asText())
          .isEqualTo(Long.toString(sent.messageId()));
      ChatMessage message = ChatMessage.decode(Unpooled.wrappedBuffer(body(messages.get(0))));
      assertThat(message.from()).isEqualTo(101);
      assertThat(message.to()).isEqualTo(102);
      assertThat(message.content()).isEqualTo(utf8("hi"));
    }
    ChatHistoryReply history =
        ChatHistoryReply.decode(
            buf(
                receive(
                        comet,
                        102,
                        Op.CHAT_HISTORY,
                        new ChatHistory(Conversation.user(101), 0, 0, 0)::encode)
                    .getReplyBody()));
    assertThat(history.messages())
        .extracting(ChatMessage::messageId)
        .containsExactly(sent.messageId());
  }

  @Test
  void aClientIdReusedForAnotherConversationAnswersTheStoredMessageAndDeliversItOnlyToItsOwn()
      throws Exception {
    ChatSend toBob = new ChatSend(Conversation.user(302), 55, 1, utf8("for bob"));
    ChatSendReply sent =
        ChatSendReply.decode(buf(receive(comet, 301, Op.CHAT_SEND, toBob::encode).getReplyBody()));

    // another Logic (it never fanned this message out) gets the same client id, to someone else
    int[] ports = startLogic(postgres.jdbcUrl());
    ChatSend toCarol = new ChatSend(Conversation.user(303), 55, 1, utf8("for carol"));
    ChatSendReply again =
        ChatSendReply.decode(
            buf(receive(stub(ports[1]), 301, Op.CHAT_SEND, toCarol::encode).getReplyBody()));

    assertThat(again.duplicate()).isTrue();
    assertThat(again.messageId()).isEqualTo(sent.messageId());
    assertThat(inbox(303)).as("carol's inbox").isEmpty();
    assertThat(inbox(302))
        .as("bob's inbox: the message, again under its id")
        .isNotEmpty()
        .allSatisfy(
            m ->
                assertThat(m.get("message_id").asText())
                    .isEqualTo(Long.toString(sent.messageId())));
  }

  @Test
  void aSmallGroupIsWriteFanOutToEveryMemberTheSenderIncluded() throws Exception {
    long group = createGroup(201, 202, 203);

    ChatSendReply sent = sendOk(202, Conversation.group(group), 1, "hello all");

    for (long mid : new long[] {201, 202, 203}) {
      assertThat(inbox(mid))
          .as("inbox of %s", mid)
          .extracting(m -> m.get("message_id").asText())
          .containsExactly(Long.toString(sent.messageId()));
    }
  }

  @Test
  void aLargeGroupIsReadFanOutARoomNoticeAndNothingInInboxes() throws Exception {
    long group = createGroup(301, 302, 303, 304);
    comet.joinRooms(
        JoinRoomsRequest.newBuilder()
            .setServerId(COMET)
            .setServerEpoch(1)
            .addRooms(ChatNotice.room(group))
            .build());

    ChatSendReply sent = sendOk(301, Conversation.group(group), 1, "big news");

    PushMsg notice = topic.takeOne().msg();
    assertThat(notice.getOp()).isEqualTo(Op.CHAT_NOTICE);
    assertThat(notice.getType()).isEqualTo(PushType.PUSH_TYPE_ROOM);
    assertThat(notice.getRoom()).isEqualTo("chat://" + group);
    ChatNotice body = ChatNotice.decode(buf(notice.getBody()));
    assertThat(body.conversation()).isEqualTo(Conversation.group(group));
    assertThat(body.seq()).isEqualTo(sent.seq());
    assertThat(body.event()).isEqualTo(ChatNotice.Event.NEW);
    for (long mid : new long[] {301, 302, 303, 304}) {
      assertThat(inbox(mid)).as("inbox of %s", mid).isEmpty();
    }
  }

  @Test
  void refusalsHaveTheirStatus() throws Exception {
    long group = createGroup(401, 402);

    assertThat(error(send(403, Conversation.group(group), 1, utf8("let me in"))).status())
        .isEqualTo(ChatStatus.NOT_MEMBER);
    assertThat(error(send(401, Conversation.group(group + 1000), 2, utf8("?"))).status())
        .isEqualTo(ChatStatus.NOT_FOUND);
    ChatError tooLarge = error(send(401, Conversation.user(402), 3, new byte[101]));
    assertThat(tooLarge.status()).isEqualTo(ChatStatus.TOO_LARGE);
    assertThat(tooLarge.message()).contains("101 bytes").contains("at most 100");
    assertThat(error(send(401, Conversation.user(401), 4, utf8("me"))).status())
        .isEqualTo(ChatStatus.BAD_REQUEST);
    ChatError malformed =
        error(
            receive(
                comet, 401, Op.CHAT_SEND, alloc -> alloc.buffer().writeBytes(new byte[] {1, 2})));
    assertThat(malformed.status()).isEqualTo(ChatStatus.BAD_REQUEST);
    assertThat(malformed.message()).contains("CHAT_SEND");
  }

  @Test
  void thePolicyWebhookRefusesAndItsAnswerIsCached() throws Exception {
    int before = policyCalls.get();

    ChatError first = error(send(501, Conversation.user(666), 1, utf8("hey")));
    ChatError second = error(send(501, Conversation.user(666), 2, utf8("hey?")));

    assertThat(first.status()).isEqualTo(ChatStatus.REFUSED);
    assertThat(first.message()).isEqualTo("blocked");
    assertThat(second.status()).isEqualTo(ChatStatus.REFUSED);
    assertThat(policyCalls.get() - before).isOne();
    assertThat(inbox(666)).isEmpty();
  }

  @Test
  void aUserOverTheRateIsRateLimited() throws Exception {
    List<ChatStatus> statuses = new ArrayList<>();
    for (int i = 1; i <= 12; i++) {
      ReceiveResponse reply = send(601, Conversation.user(602), i, utf8("spam " + i));
      ChatError error = ChatError.peek(buf(reply.getReplyBody()));
      statuses.add(error == null ? ChatStatus.OK : error.status());
    }

    // A burst of 5 and one more a second: 12 sends take more than 6 s only on a stalled machine.
    assertThat(statuses).contains(ChatStatus.RATE_LIMITED);
    assertThat(statuses.subList(0, 5)).containsOnly(ChatStatus.OK);
  }

  @Test
  void aDatabaseThatGoesAwayAnswersUnavailable() throws Exception {
    String name = ("im_logic_" + postgres.schema()).toLowerCase(Locale.ROOT);
    name = name.length() > 60 ? name.substring(0, 60) : name;
    String adminUrl = postgres.jdbcUrl();
    admin(adminUrl, "CREATE DATABASE " + name);
    try {
      int[] ports = startLogic(adminUrl.replaceFirst("/postgres\\?", "/" + name + "?"));
      LogicGrpc.LogicBlockingStub other = stub(ports[1]);
      ChatSend send = new ChatSend(Conversation.user(702), 1, 1, utf8("before"));
      assertThat(
              ChatError.peek(buf(receive(other, 701, Op.CHAT_SEND, send::encode).getReplyBody())))
          .isNull();

      admin(adminUrl, "ALTER DATABASE " + name + " ALLOW_CONNECTIONS false");
      admin(
          adminUrl,
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name + "'");

      ChatSend later = new ChatSend(Conversation.user(702), 2, 1, utf8("after"));
      ChatError down = error(receive(other, 701, Op.CHAT_SEND, later::encode));
      assertThat(down.status()).isEqualTo(ChatStatus.UNAVAILABLE);
    } finally {
      logics.remove(logics.size() - 1).stop();
      admin(adminUrl, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
  }

  @Test
  void theHttpApiAdministersGroupsSendsAndNamesBadParameters() throws Exception {
    JsonNode created =
        json(post("/herald/im/groups", "{\"owner\":801,\"name\":\"team\",\"members\":[802]}"));
    assertThat(created.get("code").asInt()).as(created.toString()).isZero();
    String group = created.get("data").get("group_id").asText();
    assertThat(created.get("data").get("member_count").asInt()).isEqualTo(2);
    assertThat(created.get("data").get("mode").asText()).isEqualTo("write");

    JsonNode added = json(post("/herald/im/groups/" + group + "/members", "{\"mids\":[\"803\"]}"));
    assertThat(added.get("data").get("added").get(0).asText()).isEqualTo("803");
    JsonNode sent =
        json(
            post(
                "/herald/im/send",
                "{\"from\":801,\"kind\":\"group\",\"to\":\""
                    + group
                    + "\",\"client_msg_id\":\"9\",\"text\":\"hi\"}"));
    assertThat(sent.get("code").asInt()).as(sent.toString()).isZero();
    assertThat(sent.get("data").get("seq").asLong()).isOne();
    assertThat(inbox(803)).hasSize(1);
    JsonNode removed =
        json(
            execute(HttpMethod.DELETE, "/herald/im/groups/" + group + "/members?mids=803,804", ""));
    assertThat(removed.get("data").get("removed")).hasSize(1);
    JsonNode fetched = json(execute(HttpMethod.GET, "/herald/im/groups/" + group, ""));
    assertThat(fetched.get("data").get("member_count").asInt()).isEqualTo(2);
    assertThat(fetched.get("data").get("last_seq").asLong()).isOne();

    assertBad(post("/herald/im/groups", "{\"members\":[\"x\"]}"), "members[0]");
    assertBad(post("/herald/im/groups", "not json"), "body");
    assertBad(post("/herald/im/groups/abc/members", "{\"mids\":[1]}"), "id");
    assertBad(post("/herald/im/groups/" + group + "/members", "{}"), "mids");
    assertBad(
        execute(HttpMethod.DELETE, "/herald/im/groups/" + group + "/members?mids=a", ""), "mids");
    assertBad(
        post("/herald/im/send", "{\"from\":1,\"kind\":\"channel\",\"to\":2,\"text\":\"x\"}"),
        "kind");
    assertBad(post("/herald/im/send", "{\"from\":1,\"kind\":\"user\",\"to\":2}"), "text");
    assertBad(
        post("/herald/im/send", "{\"from\":1,\"kind\":\"user\",\"to\":2,\"text\":\"x\"}"),
        "client_msg_id");
    JsonNode missing = json(execute(HttpMethod.GET, "/herald/im/groups/12345", ""));
    assertThat(missing.get("code").asInt()).isEqualTo(-404);

    // every refusal is counted, also those whose parameters could not be read
    assertThat(count("herald.logic.im.requests", "op", "create_group", "status", "bad_request"))
        .isEqualTo(2);
    assertThat(count("herald.logic.im.requests", "op", "add_members", "status", "bad_request"))
        .isEqualTo(2);
    assertThat(count("herald.logic.im.requests", "op", "remove_members", "status", "bad_request"))
        .isEqualTo(1);
    assertThat(count("herald.logic.im.sends", "result", "bad_request")).isEqualTo(3);
  }

  private double count(String name, String... tags) {
    var counter = meters.find(name).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }

  private void assertBad(AggregatedHttpResponse response, String parameter) throws Exception {
    JsonNode reply = json(response);
    assertThat(reply.get("code").asInt()).as(reply.toString()).isEqualTo(-400);
    assertThat(reply.get("message").asText()).startsWith(parameter);
  }

  private long createGroup(long owner, long... members) throws Exception {
    StringBuilder list = new StringBuilder();
    for (long member : members) {
      list.append(list.length() == 0 ? "" : ",").append(member);
    }
    JsonNode created =
        json(post("/herald/im/groups", "{\"owner\":" + owner + ",\"members\":[" + list + "]}"));
    assertThat(created.get("code").asInt()).as(created.toString()).isZero();
    return Long.parseLong(created.get("data").get("group_id").asText());
  }

  private ChatSendReply sendOk(long from, Conversation to, long clientMsgId, String text) {
    ReceiveResponse reply = send(from, to, clientMsgId, utf8(text));
    ByteBuf body = buf(reply.getReplyBody());
    assertThat(ChatError.peek(body)).isNull();
    return ChatSendReply.decode(body);
  }

  private ReceiveResponse send(long from, Conversation to, long clientMsgId, byte[] content) {
    return receive(comet, from, Op.CHAT_SEND, new ChatSend(to, clientMsgId, 1, content)::encode);
  }

  private static ReceiveResponse receive(
      LogicGrpc.LogicBlockingStub stub,
      long mid,
      int op,
      Function<io.netty.buffer.ByteBufAllocator, ByteBuf> body) {
    ByteBuf encoded = body.apply(UnpooledByteBufAllocator.DEFAULT);
    try {
      ReceiveResponse reply =
          stub.receive(
              ReceiveRequest.newBuilder()
                  .setServerId(COMET)
                  .setMid(mid)
                  .setKey("key-" + mid)
                  .setOp(op)
                  .setSeq(7)
                  .setBody(ByteString.copyFrom(encoded.nioBuffer()))
                  .build());
      assertThat(reply.getReplyOp()).isEqualTo(op + 1);
      return reply;
    } finally {
      encoded.release();
    }
  }

  private static ChatError error(ReceiveResponse reply) {
    ChatError error = ChatError.peek(buf(reply.getReplyBody()));
    assertThat(error).as("an error reply").isNotNull();
    return error;
  }

  private List<JsonNode> inbox(long mid) throws Exception {
    JsonNode reply = json(execute(HttpMethod.GET, "/herald/inbox?mid=" + mid, ""));
    assertThat(reply.get("code").asInt()).as(reply.toString()).isZero();
    List<JsonNode> messages = new ArrayList<>();
    reply.get("data").get("messages").forEach(messages::add);
    return messages;
  }

  private static byte[] body(JsonNode message) {
    return Base64.getDecoder().decode(message.get("body_base64").asText());
  }

  private AggregatedHttpResponse post(String path, String body) {
    return execute(HttpMethod.POST, path, body);
  }

  private AggregatedHttpResponse execute(HttpMethod method, String path, String body) {
    return http.execute(
            HttpRequest.of(
                RequestHeaders.builder(method, path)
                    .add("authorization", "Bearer " + TOKEN)
                    .contentType(MediaType.JSON_UTF_8)
                    .build(),
                HttpData.ofUtf8(body)))
        .aggregate()
        .join();
  }

  private static void admin(String url, String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url);
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private static JsonNode json(AggregatedHttpResponse response) throws Exception {
    return JSON.readTree(response.contentUtf8());
  }

  private static ByteBuf buf(ByteString bytes) {
    return Unpooled.wrappedBuffer(bytes.toByteArray());
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
