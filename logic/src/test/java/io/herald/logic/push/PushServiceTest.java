package io.herald.logic.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.google.protobuf.ByteString;
import io.herald.logic.ids.MessageIdsUnavailableException;
import io.herald.logic.ids.SnowflakeMessageIds;
import io.herald.logic.inbox.Inbox;
import io.herald.logic.inbox.InboxEntry;
import io.herald.logic.inbox.InboxPosition;
import io.herald.logic.inbox.InboxRead;
import io.herald.logic.inbox.InboxUnavailableException;
import io.herald.logic.room.InMemoryRoomIndex;
import io.herald.logic.room.RoomIndex;
import io.herald.logic.room.RoomRoutes;
import io.herald.logic.session.SessionStore;
import io.herald.logic.support.TestSessions;
import io.herald.proto.queue.v1.PushMsg;
import io.herald.proto.queue.v1.PushType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The push rules, over the in-memory session store and a recording queue. */
class PushServiceTest {
  private static final ByteString BODY = ByteString.copyFromUtf8("hello");
  private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final SessionStore sessions = TestSessions.memory();
  private final Inbox inbox = TestSessions.inbox(clock);
  private final RecordingPushQueue queue = new RecordingPushQueue();
  private final PushService pushes =
      new PushService(
          sessions,
          inbox,
          TestSessions.rooms("comet-a", "live://1000"),
          queue,
          new SnowflakeMessageIds(5, clock),
          new PushConfig.Api(false, List.of(), 4096, 4),
          clock);

  @BeforeEach
  void devices() {
    TestSessions.put(sessions, 1, "phone-1", "comet-a");
    TestSessions.put(sessions, 1, "web-1", "comet-b");
    TestSessions.put(sessions, 2, "phone-2", "comet-a");
  }

  @Test
  void keysBecomeOneRecordPerServerAndUnknownKeysAreOffline() {
    PushResult result = pushes.pushKeys(1000, List.of("phone-1", "web-1", "nobody"), BODY).join();

    assertThat(result.offlineKeys()).containsExactly("nobody");
    assertThat(queue.published).hasSize(2);
    assertThat(queue.published)
        .allSatisfy(
            msg -> {
              assertThat(msg.getType()).isEqualTo(PushType.PUSH_TYPE_KEYS);
              assertThat(msg.getMessageId()).isEqualTo(result.messageId()).isPositive();
              assertThat(msg.getAcceptUnixMs()).isEqualTo(NOW.toEpochMilli());
              assertThat(msg.getBody()).isEqualTo(BODY);
            });
    assertThat(queue.published)
        .extracting(PushMsg::getServerId, PushMsg::getKeysList)
        .containsExactlyInAnyOrder(
            tuple("comet-a", List.of("phone-1")), tuple("comet-b", List.of("web-1")));
  }

  @Test
  void midsReachEveryDeviceAndUsersWithoutOneAreOffline() {
    PushResult result = pushes.pushMids(1001, List.of(1L, 2L, 3L), BODY, Delivery.acked()).join();

    assertThat(result.offlineMids()).containsExactly(3L);
    PushMsg onA = only("comet-a");
    assertThat(onA.getKeysList()).containsExactlyInAnyOrder("phone-1", "phone-2");
    assertThat(onA.getMidsList()).containsExactlyInAnyOrder(1L, 2L);
    assertThat(onA.getRequireAck()).isTrue();
    assertThat(only("comet-b").getMidsList()).containsExactly(1L);
  }

  @Test
  void aPushToNobodyOnlineQueuesNothingButStillHasAnId() {
    PushResult result = pushes.pushMids(1000, List.of(7L, 8L), BODY).join();

    assertThat(result.messageId()).isPositive();
    assertThat(result.offlineMids()).containsExactly(7L, 8L);
    assertThat(queue.published).isEmpty();
  }

  @Test
  void roomAndBroadcastAreOneRecordEach() {
    long roomId = pushes.pushRoom(1000, "live", "1000", BODY).join().messageId();
    long allId = pushes.pushAll(1002, 500, ByteString.EMPTY).join().messageId();

    assertThat(queue.published).hasSize(2);
    assertThat(queue.published.get(0).getRoom()).isEqualTo("live://1000");
    assertThat(queue.published.get(0).getMessageId()).isEqualTo(roomId);
    assertThat(queue.published.get(0).getRoomServersKnown()).isTrue();
    assertThat(queue.published.get(0).getRoomServersList()).containsExactly("comet-a");
    assertThat(queue.published.get(1).getType()).isEqualTo(PushType.PUSH_TYPE_BROADCAST);
    assertThat(queue.published.get(1).getSpeed()).isEqualTo(500);
    assertThat(queue.published.get(1).getMessageId()).isEqualTo(allId).isGreaterThan(roomId);
  }

  @Test
  void aRoomNoCometHoldsQueuesNothing() {
    PushResult result = pushes.pushRoom(1000, "live", "empty", BODY).join();

    assertThat(result.messageId()).isPositive();
    assertThat(queue.published).isEmpty();
  }

  @Test
  void aRoomPushGoesToEveryCometWhileTheRoomIndexCannotBeTrusted() {
    RoomIndex unreadable =
        new RoomIndex() {
          @Override
          public CompletableFuture<Void> hold(String serverId, Collection<String> rooms) {
            return CompletableFuture.completedFuture(null);
          }

          @Override
          public CompletableFuture<Set<String>> servers(String room) {
            return CompletableFuture.failedFuture(new IllegalStateException("redis down"));
          }
        };
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    AtomicBoolean justReset = new AtomicBoolean(true);
    PushService routed =
        new PushService(
            sessions,
            TestSessions.inbox(),
            new RoomRoutes(
                new InMemoryRoomIndex(clock, Duration.ofMinutes(1)), justReset::get, meters),
            queue,
            new SnowflakeMessageIds(5, clock),
            new PushConfig.Api(false, List.of(), 4096, 4),
            clock);
    PushService blind =
        new PushService(
            sessions,
            TestSessions.inbox(),
            new RoomRoutes(unreadable, () -> false, meters),
            queue,
            new SnowflakeMessageIds(6, clock),
            new PushConfig.Api(false, List.of(), 4096, 4),
            clock);

    routed.pushRoom(1000, "live", "1000", BODY).join();
    blind.pushRoom(1000, "live", "1000", BODY).join();
    justReset.set(false);
    routed.pushRoom(1000, "live", "1000", BODY).join();

    assertThat(queue.published).hasSize(2);
    assertThat(queue.published).noneMatch(PushMsg::getRoomServersKnown);
    assertThat(
            meters
                .get("herald.logic.push.room_routes")
                .tag("index", "unavailable")
                .counter()
                .count())
        .isEqualTo(2.0);
    assertThat(meters.get("herald.logic.push.room_routes").tag("index", "used").counter().count())
        .isEqualTo(1.0);
  }

  @Test
  void badRequestsAreRefusedNamingTheParameterAndQueueNothing() {
    assertRefused(
        pushes.pushKeys(-1, List.of("phone-1"), BODY),
        "operation: -1 (expected: >= 1000, a business op)");
    assertRefused(
        pushes.pushRoom(9, "live", "1000", BODY),
        "operation: 9 (expected: >= 1000, a business op; 9 is the wire protocol's RAW)");
    assertRefused(
        pushes.pushAll(26, 0, BODY),
        "operation: 26 (expected: >= 1000, a business op; 26 is the wire protocol's MESSAGE)");
    assertRefused(
        pushes.pushAll(500, 0, BODY),
        "operation: 500 (expected: >= 1000, a business op; 0-999 are reserved for the wire"
            + " protocol)");
    assertRefused(
        pushes.pushKeys(1000, List.of(), BODY), "keys: empty (expected: 1 to 4 device keys)");
    assertRefused(
        pushes.pushKeys(1000, List.of("a", " "), BODY), "keys[1]: empty (expected: a device key)");
    assertRefused(
        pushes.pushMids(1000, LongStream.range(0, 5).boxed().toList(), BODY),
        "mids: 5 user ids (expected: at most 4)");
    assertRefused(
        pushes.pushKeys(1000, List.of("phone-1"), ByteString.copyFrom(new byte[5000])),
        "body: 5000 bytes (expected: at most 4096)");
    assertRefused(pushes.pushRoom(1000, "", "1000", BODY), "type: missing (expected: a value)");
    assertRefused(
        pushes.pushRoom(1000, "live", "live://1", BODY),
        "room: 'live://1' (expected: no whitespace and no ://)");
    assertRefused(
        pushes.pushRoom(1000, "live", "10 00", BODY),
        "room: '10 00' (expected: no whitespace and no ://)");
    assertRefused(pushes.pushAll(1000, -1, BODY), "speed: -1 (expected: >= 0)");
    assertThat(queue.published).isEmpty();
  }

  @Test
  void anEmptyBodyIsAMessageToo() {
    pushes.pushKeys(1000, List.of("phone-1"), ByteString.EMPTY).join();

    assertThat(queue.published).singleElement().satisfies(m -> assertThat(m.getBody()).isEmpty());
  }

  @Test
  void ifAnyRecordIsRefusedThePushFailsWithTheReason() {
    queue.refuse(msg -> msg.getServerId().equals("comet-b"));

    CompletableFuture<PushResult> push = pushes.pushMids(1000, List.of(1L), BODY);

    assertThatThrownBy(push::join)
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(PushUnavailableException.class)
        .hasMessageEndingWith("1 of 2 records not queued: broker said no");
  }

  @Test
  void withoutAMessageIdNothingIsQueuedAndThePushIsUnavailable() {
    PushService noIds =
        new PushService(
            sessions,
            TestSessions.inbox(),
            TestSessions.rooms("comet-a", "live://1000"),
            queue,
            () -> {
              throw new MessageIdsUnavailableException("message ids: none left from IdGen");
            },
            new PushConfig.Api(false, List.of(), 4096, 4),
            clock);

    for (CompletableFuture<PushResult> push :
        List.of(
            noIds.pushMids(1000, List.of(1L), BODY),
            noIds.pushKeys(1000, List.of("phone-1"), BODY),
            noIds.pushRoom(1000, "live", "1000", BODY),
            noIds.pushAll(1000, 0, BODY))) {
      assertThatThrownBy(push::join)
          .cause()
          .isInstanceOf(PushUnavailableException.class)
          .hasMessage("message ids: none left from IdGen")
          .hasCauseInstanceOf(MessageIdsUnavailableException.class);
    }
    assertThat(queue.published).isEmpty();
  }

  @Test
  void keysAskedTwiceAreDeliveredOnce() {
    pushes.pushKeys(1000, Collections.nCopies(3, "phone-2"), BODY).join();

    assertThat(only("comet-a").getKeysList()).containsExactly("phone-2");
  }

  private PushMsg only(String serverId) {
    return queue.published.stream()
        .filter(msg -> msg.getServerId().equals(serverId))
        .reduce(
            (a, b) -> {
              throw new AssertionError("two records for " + serverId);
            })
        .orElseThrow();
  }

  @Test
  void aStoredMidsPushIsInEveryInboxAndBecomesOneRecordPerUserAndComet() {
    PushResult result =
        pushes.pushMids(1001, List.of(1L, 2L, 3L), BODY, new Delivery(true, true, true)).join();

    assertThat(result.offlineMids()).containsExactly(3L);
    assertThat(result.stored()).extracting(PushResult.Stored::mid).containsExactly(1L, 2L, 3L);
    assertThat(result.stored()).extracting(PushResult.Stored::seq).containsOnly(1L);
    long epochOf1 = result.stored().get(0).epoch();
    assertThat(queue.published)
        .extracting(
            PushMsg::getServerId,
            PushMsg::getKeysList,
            PushMsg::getMidsList,
            PushMsg::getInboxSeq,
            PushMsg::getNotify,
            PushMsg::getRequireAck)
        .containsExactlyInAnyOrder(
            tuple("comet-a", List.of("phone-1"), List.of(1L), 1L, true, true),
            tuple("comet-b", List.of("web-1"), List.of(1L), 1L, true, true),
            tuple("comet-a", List.of("phone-2"), List.of(2L), 1L, true, true));
    assertThat(queue.published.stream().filter(r -> r.getMids(0) == 1L))
        .allSatisfy(record -> assertThat(record.getInboxEpoch()).isEqualTo(epochOf1));
    InboxRead offline = inbox.read(3, 0, 0, 10).join();
    assertThat(offline.messages()).hasSize(1);
    assertThat(offline.messages().get(0).getMessageId()).isEqualTo(result.messageId());
    assertThat(offline.messages().get(0).getOp()).isEqualTo(1001);
    assertThat(offline.messages().get(0).getBody()).isEqualTo(BODY);
  }

  @Test
  void aStoredKeysPushIsStoredForTheKeysUsersAndPushedToThoseKeysOnly() {
    PushResult result =
        pushes
            .pushKeys(
                1000,
                List.of("phone-1", "phone-2", "nobody"),
                BODY,
                new Delivery(false, true, false))
            .join();

    assertThat(result.offlineKeys()).containsExactly("nobody");
    assertThat(result.stored())
        .extracting(PushResult.Stored::mid, PushResult.Stored::seq)
        .containsExactly(tuple(1L, 1L), tuple(2L, 1L));
    assertThat(queue.published)
        .extracting(PushMsg::getServerId, PushMsg::getKeysList, PushMsg::getMidsList)
        .containsExactly(
            tuple("comet-a", List.of("phone-1"), List.of(1L)),
            tuple("comet-a", List.of("phone-2"), List.of(2L)));
    assertThat(inbox.read(1, 0, 0, 10).join().latestSeq()).isOne();
  }

  @Test
  void aPushNotStoredLeavesTheInboxesAlone() {
    pushes.pushMids(1000, List.of(1L), BODY, Delivery.acked()).join();

    assertThat(queue.published.get(0).getInboxSeq()).isZero();
    assertThat(inbox.read(1, 0, 0, 10).join().latestSeq()).isZero();
  }

  @Test
  void ifAnAppendFailsNothingIsPublished() {
    Inbox failing =
        new ForwardingInbox(inbox) {
          @Override
          public CompletableFuture<InboxPosition> append(long mid, InboxEntry entry) {
            return mid == 2
                ? CompletableFuture.failedFuture(
                    new InboxUnavailableException("connection refused", null))
                : super.append(mid, entry);
          }
        };
    PushService storing =
        new PushService(
            sessions,
            failing,
            TestSessions.rooms("comet-a"),
            queue,
            new SnowflakeMessageIds(7, clock),
            new PushConfig.Api(false, List.of(), 4096, 4),
            clock);

    assertThatThrownBy(
            () ->
                storing
                    .pushMids(1000, List.of(1L, 2L), BODY, new Delivery(false, true, false))
                    .join())
        .cause()
        .isInstanceOf(PushUnavailableException.class)
        .hasMessageStartingWith("inbox: push ")
        .hasMessageEndingWith("not stored for 1 of 2 users, nothing queued: connection refused");
    assertThat(queue.published).isEmpty();
  }

  @Test
  void notifyWithoutStoreIsRefused() {
    assertThatThrownBy(() -> new Delivery(false, false, true))
        .isInstanceOf(InvalidPushException.class)
        .hasMessage("notify: true needs store: true");
  }

  private static void assertRefused(CompletableFuture<PushResult> push, String message) {
    assertThatThrownBy(push::join)
        .cause()
        .isInstanceOf(InvalidPushException.class)
        .hasMessage(message);
  }
}
