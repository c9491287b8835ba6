package io.herald.logic.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.SessionProtocol;
import io.herald.logic.api.GoimHttpClient.Reply;
import io.herald.logic.support.TestKafka;
import io.herald.logic.support.TestSessions;
import io.herald.logic.support.TopicReader;
import io.herald.proto.queue.v1.PushType;
import io.herald.testkit.KafkaBroker;
import io.herald.testkit.RealKafka;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * goim's HTTP API over a real socket, publishing to a real Kafka topic (one partition, so records
 * read back in the order they were published).
 */
@RealKafka
class GoimPushHttpApiIT {
  private static final List<String> PUSH_PATHS =
      List.of(
          "/goim/push/keys?operation=1000&keys=phone-42",
          "/goim/push/mids?operation=1000&mids=42",
          "/goim/push/room?operation=1000&type=live&room=1000",
          "/goim/push/all?operation=1000&speed=0");
  private static final List<String> ONLINE_PATHS =
      List.of(
          "/goim/online/top?type=live&limit=10",
          "/goim/online/room?type=live&rooms=1000",
          "/goim/online/total");

  private PushServer server;
  private TopicReader topic;
  private GoimHttpClient http;

  @BeforeEach
  void start(KafkaBroker kafka) {
    String name = kafka.newTopic(1);
    server = new PushServer(TestKafka.producer(kafka.bootstrapServers(), name));
    topic = new TopicReader(kafka, name);
    http = GoimHttpClient.withToken(server.port(), PushServer.TOKEN);
    TestSessions.put(server.sessions, 42, "phone-42", "comet-1");
    TestSessions.put(server.sessions, 42, "web-42", "comet-2");
  }

  @AfterEach
  void stop() {
    topic.close();
    server.close();
  }

  @Test
  void pushKeysAnswersOnceQueuedWithTheMessageIdAndOfflineKeys() {
    Reply reply =
        http.post("/goim/push/keys?operation=1000&keys=phone-42,web-42&keys=gone", "hello");

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.code()).isZero();
    assertThat(reply.message()).isEmpty();
    assertThat(reply.data().get("offline").get(0).asText()).isEqualTo("gone");
    long messageId = Long.parseLong(reply.data().get("message_id").asText());
    assertThat(topic.take(2))
        .allSatisfy(
            read -> {
              assertThat(read.msg().getType()).isEqualTo(PushType.PUSH_TYPE_KEYS);
              assertThat(read.msg().getMessageId()).isEqualTo(messageId);
              assertThat(read.msg().getBody().toStringUtf8()).isEqualTo("hello");
            })
        .extracting(read -> read.msg().getServerId())
        .containsExactlyInAnyOrder("comet-1", "comet-2");
    assertThat(server.pushes("keys", "ok")).isEqualTo(1);
  }

  @Test
  void pushMidsReachesEachServerOfTheUser() {
    Reply reply = http.post("/goim/push/mids?operation=1001&mids=42,99", "to the user");

    assertThat(reply.code()).isZero();
    assertThat(reply.data().get("offline").get(0).asText()).isEqualTo("99");
    assertThat(topic.take(2))
        .allSatisfy(read -> assertThat(read.msg().getMidsList()).containsExactly(42L))
        .extracting(read -> read.msg().getOp())
        .containsOnly(1001);
  }

  @Test
  void pushRoomAndPushAllAreOneRecordEach() {
    Reply room = http.post("/goim/push/room?operation=1000&type=live&room=1000", "in the room");
    Reply all = http.post("/goim/push/all?operation=1002&speed=300", "everyone");

    assertThat(room.code()).isZero();
    assertThat(all.code()).isZero();
    List<TopicReader.Read> records = topic.take(2);
    assertThat(records.get(0).key()).isEqualTo("live://1000");
    assertThat(records.get(0).msg().getMessageId())
        .isEqualTo(Long.parseLong(room.data().get("message_id").asText()));
    assertThat(records.get(1).msg().getType()).isEqualTo(PushType.PUSH_TYPE_BROADCAST);
    assertThat(records.get(1).msg().getSpeed()).isEqualTo(300);
    assertThat(records.get(1).msg().getBody().toStringUtf8()).isEqualTo("everyone");
  }

  @Test
  void onlineQueriesAnswerInGoimsShapes() {
    Reply top = http.get("/goim/online/top?type=live&limit=10");
    Reply rooms = http.get("/goim/online/room?type=live&rooms=1000,1001&rooms=9");
    Reply total = http.get("/goim/online/total");

    assertThat(top.code()).isZero();
    assertThat(top.data().toString())
        .isEqualTo("[{\"room_id\":\"1000\",\"count\":12},{\"room_id\":\"1001\",\"count\":3}]");
    assertThat(rooms.data().toString()).isEqualTo("{\"1000\":12,\"1001\":3,\"9\":0}");
    assertThat(total.data().toString()).isEqualTo("{\"ip_count\":4,\"conn_count\":20}");
  }

  @Test
  void badRequestsAnswerMinus400NamingTheParameter() {
    assertRefused(
        http.post("/goim/push/keys?keys=phone-42", "x"),
        "operation: missing (expected: an integer)");
    assertRefused(
        http.post("/goim/push/keys?operation=abc&keys=phone-42", "x"),
        "operation: 'abc' (expected: an integer)");
    assertRefused(
        http.post("/goim/push/keys?operation=1000&keys=", "x"),
        "keys: empty (expected: 1 to 3 device keys)");
    assertRefused(
        http.post("/goim/push/keys?operation=1000&keys=a,b,c,d", "x"),
        "keys: 4 device keys (expected: at most 3)");
    assertRefused(
        http.post("/goim/push/mids?operation=1000&mids=42,x1", "x"),
        "mids: 'x1' (expected: 64-bit integers)");
    assertRefused(
        http.post("/goim/push/mids?operation=1000&mids=1,2,3,4", "x"),
        "mids: 4 user ids (expected: at most 3)");
    assertRefused(
        http.post("/goim/push/room?operation=1000&type=live", "x"),
        "room: missing (expected: a value)");
    assertRefused(
        http.post("/goim/push/room?operation=1000&room=1000", "x"),
        "type: missing (expected: a value)");
    assertRefused(
        http.post("/goim/push/all?operation=1000&speed=-5", "x"), "speed: -5 (expected: >= 0)");
    assertRefused(http.get("/goim/online/top?limit=5"), "type: missing (expected: a value)");
    assertRefused(http.get("/goim/online/top?type=live&limit=0"), "limit: 0 (expected: 1-1000)");
    assertRefused(
        http.get("/goim/online/room?type=live"), "rooms: 0 room ids (expected: 1 to 1000)");

    assertThat(server.pushes("keys", "bad_request")).isEqualTo(4);
    assertNothingQueuedBefore(http.post("/goim/push/all?operation=1000&speed=0", "marker"));
  }

  @Test
  void aBodyOverTheLimitIs413InGoimsJsonHoweverItArrives() {
    String room = "/goim/push/room?operation=1000&type=live&room=1000";
    for (SessionProtocol protocol : List.of(SessionProtocol.H1C, SessionProtocol.H2C)) {
      GoimHttpClient client = GoimHttpClient.withToken(protocol, server.port(), PushServer.TOKEN);
      assertError(
          client.post(room, new byte[4097]),
          413,
          -400,
          "body: 4097 bytes (expected: at most 4096)");
      assertError(
          client.post(room, new byte[70_000]),
          413,
          -400,
          "body: 70000 bytes (expected: at most 4096)");
      assertError(
          client.postStreamed(room, new byte[5000]),
          413,
          -400,
          "body: more than 4096 bytes (expected: at most 4096)");
      assertThat(client.post(room, new byte[4096]).code()).as("%s", protocol).isZero();
    }
    assertThat(server.meters.counter("herald.logic.http.errors", "status", "413").count())
        .as("each refused body counted once")
        .isEqualTo(6);
    topic.take(2); // the two pushes at the limit
    assertNothingQueuedBefore(http.post("/goim/push/all?operation=1000&speed=0", "marker"));
  }

  @Test
  void unknownPathsAndWrongMethodsUnderGoimAnswerInGoimsJson() {
    for (SessionProtocol protocol : List.of(SessionProtocol.H1C, SessionProtocol.H2C)) {
      GoimHttpClient client = GoimHttpClient.withToken(protocol, server.port(), PushServer.TOKEN);
      Reply unknown = client.post("/goim/push/key?operation=1000&keys=phone-42", "x");
      assertError(unknown, 404, -400, null);
      assertThat(unknown.message())
          .startsWith("path: /goim/push/key (expected: one of ")
          .contains("/goim/push/keys", "/goim/online/total");
      assertError(client.get("/goim/push/keys/"), 404, -400, null);
      assertError(client.get("/goim"), 404, -400, null);

      assertError(
          client.get("/goim/push/keys?operation=1000&keys=phone-42"),
          405,
          -400,
          "method: GET (expected: POST for /goim/push/keys)");
      assertError(
          client.post("/goim/online/total", "x"),
          405,
          -400,
          "method: POST (expected: GET for /goim/online/total)");
      assertError(
          client.send(HttpMethod.DELETE, "/goim/push/all?operation=1000", new byte[0]),
          405,
          -400,
          "method: DELETE (expected: POST for /goim/push/all)");
    }
    assertNothingQueuedBefore(http.post("/goim/push/all?operation=1000&speed=0", "marker"));
  }

  @Test
  void malformedQueryParametersAreRefusedNamingTheParameter() throws Exception {
    assertRefused(
        http.post("/goim/push/keys?operation=99999999999&keys=phone-42", "x"),
        "operation: '99999999999' (expected: an integer)");
    assertRefused(
        http.post("/goim/push/keys?operation=1e3&keys=phone-42", "x"),
        "operation: '1e3' (expected: an integer)");
    assertRefused(
        http.post("/goim/push/mids?operation=1000&mids=99999999999999999999", "x"),
        "mids: '99999999999999999999' (expected: 64-bit integers)");
    assertRefused(
        http.post("/goim/push/all?operation=1000&speed=fast", "x"),
        "speed: 'fast' (expected: an integer)");
    assertRefused(
        http.get("/goim/online/top?type=live&limit=%31x"), "limit: '1x' (expected: an integer)");
    assertRefused(
        http.post("/goim/push/room?operation=1000&type=live&room=a%20b", "x"),
        "room: 'a b' (expected: no whitespace and no ://)");
    // What a careless client sends as is, which no URI class lets one build: broken %-escapes.
    // No body: the server closes such a connection without reading one, and a body left unread
    // would turn its close into a reset that could destroy the answer.
    for (String target :
        List.of(
            "/goim/push/keys?operation=1000&keys=%zz",
            "/goim/push/keys?operation=1000&keys=%", "/goim/push/keys?operation=10%0&keys=a")) {
      Reply reply =
          GoimHttpClient.raw(server.port(), "POST " + target + " HTTP/1.1", PushServer.TOKEN, "");
      assertError(reply, 400, -400, "request: Invalid request path");
    }
    assertNothingQueuedBefore(http.post("/goim/push/all?operation=1000&speed=0", "marker"));
  }

  @Test
  void protocolOpsAreRefusedSoNothingIsQueuedForJobToDrop() {
    assertRefused(
        http.post("/goim/push/room?operation=9&type=live&room=1000", "x"),
        "operation: 9 (expected: >= 1000, a business op; 9 is the wire protocol's RAW)");
    assertRefused(
        http.post("/goim/push/keys?operation=3&keys=phone-42", "x"),
        "operation: 3 (expected: >= 1000, a business op; 3 is the wire protocol's"
            + " HEARTBEAT_REPLY)");
    assertRefused(
        http.post("/goim/push/mids?operation=21&mids=42", "x"),
        "operation: 21 (expected: >= 1000, a business op; 21 is the wire protocol's RECONNECT)");
    assertRefused(
        http.post("/goim/push/all?operation=999", "x"),
        "operation: 999 (expected: >= 1000, a business op; 0-999 are reserved for the wire"
            + " protocol)");
    assertRefused(
        http.post("/goim/push/all?operation=-1", "x"),
        "operation: -1 (expected: >= 1000, a business op)");

    assertNothingQueuedBefore(http.post("/goim/push/all?operation=1000&speed=0", "marker"));
    assertThat(server.pushes("room", "bad_request")).isEqualTo(1);
  }

  @Test
  void messageIdsAndUserIdsAreDecimalStringsSoJavaScriptKeepsThemExact() {
    Reply reply = http.post("/goim/push/mids?operation=1000&mids=42,9007199254740993", "x");

    assertThat(reply.code()).isZero();
    JsonNode id = reply.data().get("message_id");
    assertThat(id.isTextual()).as("%s", reply.json()).isTrue();
    long messageId = Long.parseLong(id.asText());
    assertThat(messageId).isGreaterThan(1L << 53); // beyond a JavaScript number's exact range
    assertThat(reply.data().get("offline").toString()).isEqualTo("[\"9007199254740993\"]");
    assertThat(topic.take(2))
        .allSatisfy(read -> assertThat(read.msg().getMessageId()).isEqualTo(messageId));

    Reply keys = http.post("/goim/push/keys?operation=1000&keys=phone-42", "x");
    assertThat(keys.data().get("message_id").isTextual()).isTrue();
    assertThat(topic.takeOne().msg().getMessageId())
        .isEqualTo(Long.parseLong(keys.data().get("message_id").asText()));
  }

  @Test
  void withoutTheRightTokenEveryPathAnswers401AndNothingMoves() {
    GoimHttpClient anonymous = new GoimHttpClient(server.port(), null);
    GoimHttpClient wrong = GoimHttpClient.withToken(server.port(), "not-the-token");
    GoimHttpClient basic = new GoimHttpClient(server.port(), "Basic dXNlcjpwYXNz");
    for (GoimHttpClient caller : List.of(anonymous, wrong, basic)) {
      for (String path : PUSH_PATHS) {
        assertUnauthorized(caller.post(path, "must not move"));
      }
      for (String path : ONLINE_PATHS) {
        assertUnauthorized(caller.get(path));
      }
    }

    assertThat(server.pushes("keys", "unauthorized")).isEqualTo(3);
    assertThat(server.pushes("all", "unauthorized")).isEqualTo(3);
    // The second configured token works too; its push is the first record on the topic.
    GoimHttpClient other = GoimHttpClient.withToken(server.port(), PushServer.OTHER_TOKEN);
    assertNothingQueuedBefore(other.post("/goim/push/all?operation=1000&speed=0", "marker"));
  }

  @Test
  void anUnreachableBrokerAnswersMinus500WithTheReason() {
    try (PushServer dead =
        new PushServer(TestKafka.producer(TestKafka.deadBroker(), "herald-push"))) {
      TestSessions.put(dead.sessions, 42, "phone-42", "comet-1");
      GoimHttpClient client = GoimHttpClient.withToken(dead.port(), PushServer.TOKEN);

      List<CompletableFuture<Reply>> replies =
          PUSH_PATHS.stream()
              .map(path -> CompletableFuture.supplyAsync(() -> client.post(path, "lost?")))
              .toList();

      assertThat(replies)
          .allSatisfy(
              reply -> {
                Reply answer = reply.join();
                assertThat(answer.status()).isEqualTo(200);
                assertThat(answer.code()).isEqualTo(-500);
                assertThat(answer.message())
                    .matches("push \\d+: 1 of 1 records not queued: kafka topic herald-push: .+");
              });
      assertThat(dead.pushes("room", "error")).isEqualTo(1);
    }
  }

  private void assertNothingQueuedBefore(Reply marker) {
    assertThat(marker.code()).isZero();
    TopicReader.Read first = topic.takeOne();
    assertThat(first.msg().getMessageId())
        .isEqualTo(Long.parseLong(marker.data().get("message_id").asText()));
  }

  private static void assertRefused(Reply reply, String message) {
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.code()).isEqualTo(-400);
    assertThat(reply.message()).isEqualTo(message);
    assertThat(reply.data()).isNull();
  }

  /** An answer of the HTTP layer: its status, goim's code, and the message (null: any). */
  private static void assertError(Reply reply, int status, int code, String message) {
    assertThat(reply.status()).as("%s", reply).isEqualTo(status);
    assertThat(reply.code()).as("%s", reply).isEqualTo(code);
    if (message != null) {
      assertThat(reply.message()).isEqualTo(message);
    }
    assertThat(reply.data()).isNull();
  }

  private static void assertUnauthorized(Reply reply) {
    assertThat(reply.status()).isEqualTo(401);
    assertThat(reply.code()).isEqualTo(-401);
    assertThat(reply.message()).isNotEmpty();
  }
}
