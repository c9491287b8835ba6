package io.herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.herald.wire.ProtocolVersion;
import io.herald.wire.delivery.MessageEnvelope;
import io.herald.wire.delivery.SyncBody;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Acked and stored delivery in the SDK, against a {@link ScriptedComet} on a real loopback port
 * that speaks the wire protocol and serves SYNC from a {@link FakeInbox}: acks (ids and seq),
 * duplicates dropped by id and by seq, a gap closed by SYNC in order, SYNC on every connect from
 * the stored position, the {@code more} loop, resets, and the unavailable (empty) reply retried.
 */
class DeliveryTest {
  private static final long MID = 77;
  private static final long EPOCH = 1_700_000_000_000L;
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final ReconnectPolicy FAST =
      new ReconnectPolicy(
          Duration.ofMillis(50), 2.0, 0.0, Duration.ofMillis(200), 5, Duration.ofSeconds(30));

  private final FakeInbox inbox = new FakeInbox(EPOCH);
  private final ScriptedComet comet = new ScriptedComet(inbox);
  private final MemoryInboxStore store = new MemoryInboxStore();
  private final Events events = new Events();
  private HeraldClient client;

  /** What the client reported. */
  static final class Events implements HeraldListener {
    final List<Message> messages = new CopyOnWriteArrayList<>();
    final List<InboxReset> resets = new CopyOnWriteArrayList<>();

    @Override
    public void onMessage(Message message) {
      messages.add(message);
    }

    @Override
    public void onInboxReset(InboxReset reset) {
      resets.add(reset);
    }

    List<String> texts() {
      return messages.stream().map(Message::text).toList();
    }
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    comet.close();
  }

  private HeraldClient.Builder builder() {
    return HeraldClient.builder()
        .nodes(comet.address())
        .mid(MID)
        .reconnect(FAST)
        .inboxStore(store)
        .listener(events);
  }

  private void start(HeraldClient.Builder builder) throws Exception {
    client = builder.build();
    client.start().get(10, TimeUnit.SECONDS);
  }

  /** Started, and its first SYNC (of an empty inbox) answered. */
  private void startSynced() throws Exception {
    start(builder());
    await().atMost(WAIT).until(() -> client.inboxPosition().isPresent());
  }

  @Test
  void acksTheIdsThatAskAndThePositionAfterStoredMessages() throws Exception {
    startSynced();
    comet.push(new MessageEnvelope(501, 0, 0, 1000, true), "acked");
    comet.push(new MessageEnvelope(502, 0, 0, 1000, false), "tracked, no ack asked");
    inbox.append("m1");
    inbox.append("m2");
    comet.pushStored(1, true);
    comet.pushStored(2, false);

    await().atMost(WAIT).until(() -> comet.ackedSeq() == 2);
    await().atMost(WAIT).until(() -> comet.ackedIds().size() == 2);
    assertThat(comet.ackedIds()).containsExactlyInAnyOrder(501L, inbox.get(1).id());
    assertThat(comet.acks).allMatch(ack -> ack.seq() == 0 || ack.epoch() == EPOCH);
    assertThat(events.texts()).containsExactly("acked", "tracked, no ack asked", "m1", "m2");
    Message stored = events.messages.get(2);
    assertThat(stored.op()).isEqualTo(1000);
    assertThat(stored.messageId()).isEqualTo(inbox.get(1).id());
    assertThat(stored.inboxEpoch()).isEqualTo(EPOCH);
    assertThat(stored.inboxSeq()).isEqualTo(1);
    assertThat(events.messages.get(0).inboxSeq()).isZero();
    assertThat(client.inboxPosition()).contains(new InboxPosition(EPOCH, 2));
    assertThat(store.load(MID)).contains(new InboxPosition(EPOCH, 2));
  }

  @Test
  void aSecondDeliveryOfAnIdIsDroppedButAckedAgain() throws Exception {
    startSynced();
    comet.push(new MessageEnvelope(601, 0, 0, 1000, true), "once");
    comet.push(new MessageEnvelope(601, 0, 0, 1000, true), "once");
    comet.push(new MessageEnvelope(602, 0, 0, 1000, true), "after");

    await().atMost(WAIT).until(() -> comet.ackedIds().size() == 3);
    assertThat(comet.ackedIds()).containsExactlyInAnyOrder(601L, 601L, 602L);
    assertThat(events.texts()).containsExactly("once", "after");
  }

  @Test
  void aStoredMessageBeyondAGapStartsASyncThatDeliversInOrder() throws Exception {
    startSynced();
    inbox.append("m1");
    inbox.append("m2");
    inbox.append("m3");
    comet.pushStored(3, false);

    await().atMost(WAIT).until(() -> events.messages.size() == 3);
    assertThat(events.texts()).containsExactly("m1", "m2", "m3");
    assertThat(events.messages).extracting(Message::inboxSeq).containsExactly(1L, 2L, 3L);
    assertThat(comet.syncs)
        .as("the first SYNC on connect, the second for the gap")
        .containsExactly(SyncBody.after(0, 0, 0), SyncBody.after(EPOCH, 0, 0));
  }

  @Test
  void theSameSeqPushedAndSyncedIsHandedOverOnce() throws Exception {
    startSynced();
    comet.hold();
    inbox.append("m1");
    inbox.append("m2");
    comet.pushStored(2, false); // a gap: a SYNC, held by the server
    await().atMost(WAIT).until(() -> comet.syncs.size() == 2);
    comet.pushStored(1, false); // the next one: handed over at once
    await().atMost(WAIT).until(() -> events.messages.size() == 1);
    comet.release(); // the reply holds 1 (a duplicate now) and 2
    await().atMost(WAIT).until(() -> events.messages.size() == 2);
    comet.pushStored(2, false); // pushed again: a duplicate
    comet.pushStored(1, false);
    comet.push(new MessageEnvelope(700, 0, 0, 1000, false), "marker");

    await().atMost(WAIT).until(() -> events.texts().contains("marker"));
    assertThat(events.texts()).containsExactly("m1", "m2", "marker");
  }

  @Test
  void everyConnectSyncsFromTheStoredPosition() throws Exception {
    for (int i = 1; i <= 7; i++) {
      inbox.append("m" + i);
    }
    store.save(MID, new InboxPosition(EPOCH, 5));
    start(builder());

    await().atMost(WAIT).until(() -> events.messages.size() == 2);
    assertThat(events.texts()).containsExactly("m6", "m7");
    assertThat(comet.syncs.get(0)).isEqualTo(SyncBody.after(EPOCH, 5, 0));

    inbox.append("m8"); // stored while the client is away
    comet.drop();
    await().atMost(WAIT).until(() -> comet.authenticated.get() == 2);
    await().atMost(WAIT).until(() -> events.messages.size() == 3);
    assertThat(events.texts()).containsExactly("m6", "m7", "m8");
    assertThat(comet.syncs).contains(SyncBody.after(EPOCH, 7, 0));
    assertThat(store.load(MID)).contains(new InboxPosition(EPOCH, 8));
  }

  @Test
  void aNoticeOfNewerMessagesStartsASync() throws Exception {
    startSynced();
    inbox.append("m1");
    inbox.append("m2");
    comet.notice(EPOCH, 2);

    await().atMost(WAIT).until(() -> events.messages.size() == 2);
    assertThat(events.texts()).containsExactly("m1", "m2");
    int syncs = comet.syncs.size();
    comet.notice(EPOCH, 2); // nothing newer than held: no SYNC
    comet.push(new MessageEnvelope(800, 0, 0, 1000, false), "marker");
    await().atMost(WAIT).until(() -> events.texts().contains("marker"));
    assertThat(comet.syncs).hasSize(syncs);
  }

  @Test
  void syncsAgainWhileTheReplySaysMore() throws Exception {
    inbox.limit(2);
    for (int i = 1; i <= 5; i++) {
      inbox.append("m" + i);
    }
    start(builder());

    await().atMost(WAIT).until(() -> events.messages.size() == 5);
    assertThat(events.texts()).containsExactly("m1", "m2", "m3", "m4", "m5");
    assertThat(comet.syncs)
        .containsExactly(
            SyncBody.after(0, 0, 0), SyncBody.after(EPOCH, 2, 0), SyncBody.after(EPOCH, 4, 0));
  }

  @Test
  void aResetToANewEpochIsReportedAndTheClientContinuesFromTheOldest() throws Exception {
    store.save(MID, new InboxPosition(EPOCH - 1, 40)); // an epoch the server lost
    inbox.append("m1");
    inbox.append("m2");
    start(builder());

    await().atMost(WAIT).until(() -> events.messages.size() == 2);
    assertThat(events.resets).containsExactly(new InboxReset(EPOCH - 1, 40, EPOCH, 1, 2));
    assertThat(events.texts()).containsExactly("m1", "m2");
    assertThat(comet.syncs)
        .startsWith(SyncBody.after(EPOCH - 1, 40, 0), SyncBody.after(EPOCH, 0, 0));
    assertThat(client.inboxPosition()).contains(new InboxPosition(EPOCH, 2));
  }

  @Test
  void aResetAfterTrimmingSkipsToTheOldestKept() throws Exception {
    for (int i = 1; i <= 6; i++) {
      inbox.append("m" + i);
    }
    inbox.trimBelow(5);
    store.save(MID, new InboxPosition(EPOCH, 2));
    start(builder());

    await().atMost(WAIT).until(() -> events.messages.size() == 2);
    assertThat(events.resets).containsExactly(new InboxReset(EPOCH, 2, EPOCH, 5, 6));
    assertThat(events.texts()).containsExactly("m5", "m6");
  }

  @Test
  void anEmptyReplyIsRetriedAfterTheBackoff() throws Exception {
    inbox.append("m1");
    comet.unavailable.set(2);
    start(builder());

    await().atMost(WAIT).until(() -> events.messages.size() == 1);
    assertThat(events.texts()).containsExactly("m1");
    assertThat(comet.syncs).hasSize(3).containsOnly(SyncBody.after(0, 0, 0));
    assertThat(events.resets).isEmpty();
  }

  @Test
  void aFirstSyncStartsAtTheOldestMessageKept() throws Exception {
    for (int i = 1; i <= 4; i++) {
      inbox.append("m" + i);
    }
    inbox.trimBelow(3);
    start(builder());

    await().atMost(WAIT).until(() -> events.messages.size() == 2);
    assertThat(events.texts()).containsExactly("m3", "m4");
    assertThat(events.resets).isEmpty();
  }

  @Test
  void withSyncOffStoredMessagesComeAsPushedAndNothingIsSynced() throws Exception {
    start(builder().sync(false));
    inbox.append("m1");
    inbox.append("m2");
    comet.pushStored(2, true);
    comet.pushStored(2, true);
    comet.notice(EPOCH, 2);
    comet.push(new MessageEnvelope(900, 0, 0, 1000, false), "marker");

    await().atMost(WAIT).until(() -> events.texts().contains("marker"));
    assertThat(events.texts()).containsExactly("m2", "marker");
    await().atMost(WAIT).until(() -> comet.ackedIds().size() == 2);
    assertThat(comet.syncs).isEmpty();
    assertThat(comet.ackedSeq()).isZero();
    assertThat(client.inboxPosition()).isEmpty();
  }

  @Test
  void protocolVersion1NeverSyncsNorAcks() throws Exception {
    start(builder().protocolVersion(ProtocolVersion.V1));
    comet.pushPlain(1000, "plain");

    await().atMost(WAIT).until(() -> events.texts().contains("plain"));
    assertThat(comet.syncs).isEmpty();
    assertThat(comet.acks).isEmpty();
    assertThat(client.inboxPosition()).isEmpty();
  }

  @Test
  void syncIsRefusedForProtocolVersion1() {
    assertThatThrownBy(() -> builder().protocolVersion(ProtocolVersion.V1).sync(true).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("sync: true with protocol version 1");
  }
}
