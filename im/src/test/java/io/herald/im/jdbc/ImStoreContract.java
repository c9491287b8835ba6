package io.herald.im.jdbc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.herald.im.Appended;
import io.herald.im.ConvKey;
import io.herald.im.ConvKind;
import io.herald.im.ConversationPage;
import io.herald.im.ConversationView;
import io.herald.im.Group;
import io.herald.im.GroupFullException;
import io.herald.im.GroupRef;
import io.herald.im.HistoryPage;
import io.herald.im.ImDatabaseConfig;
import io.herald.im.ImUnavailableException;
import io.herald.im.Message;
import io.herald.im.NewMessage;
import io.herald.im.NoSuchGroupException;
import io.herald.im.ReadState;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link io.herald.im.ImStore} contract on a real database; subclasses say which (H2 file,
 * PostgreSQL). Each store has its own pool, as separate Logic servers would.
 */
abstract class ImStoreContract {
  private final List<JdbcImStore> stores = new ArrayList<>();
  private final List<ExecutorService> executors = new ArrayList<>();
  private final AtomicLong ids = new AtomicLong(1_000_000);

  /** The database under test, the same one on every call. */
  abstract ImDatabaseConfig database();

  @AfterEach
  void stopAll() {
    executors.forEach(ExecutorService::shutdownNow);
    stores.forEach(JdbcImStore::stop);
  }

  JdbcImStore open() {
    JdbcImStore store = new JdbcImStore(database());
    stores.add(store);
    store.start();
    return store;
  }

  private ExecutorService threads(int n) {
    ExecutorService executor = Executors.newFixedThreadPool(n);
    executors.add(executor);
    return executor;
  }

  private Appended send(JdbcImStore store, ConvKey conv, long sender, long clientId, long sentMs) {
    byte[] content = ("m" + clientId).getBytes(UTF_8);
    return store.append(
        new NewMessage(conv, ids.incrementAndGet(), sender, clientId, 1, content, sentMs));
  }

  private static List<Long> seqs(HistoryPage page) {
    return page.messages().stream().map(Message::seq).toList();
  }

  @Test
  void appendsGiveSeqsInOrderAndReturnTheMessage() {
    JdbcImStore store = open();
    ConvKey conv = ConvKey.user(2, 1);

    Appended first = send(store, conv, 1, 11, 100);
    Appended second = send(store, conv, 2, 21, 101);

    assertThat(first.duplicate()).isFalse();
    assertThat(first.message().seq()).isEqualTo(1);
    assertThat(first.message().to()).isEqualTo(2);
    assertThat(second.message().seq()).isEqualTo(2);
    assertThat(second.message().to()).isEqualTo(1);
    HistoryPage page = store.history(conv, 0, 0, 0, 10);
    assertThat(seqs(page)).containsExactly(1L, 2L);
    assertThat(page.lastSeq()).isEqualTo(2);
    assertThat(page.messages().get(1).content()).isEqualTo("m21".getBytes(UTF_8));
    assertThat(page.messages().get(1).id()).isEqualTo(second.message().id());
    assertThat(store.history(ConvKey.user(1, 3), 0, 0, 0, 10))
        .isEqualTo(new HistoryPage(List.of(), false, 0));
  }

  @Test
  void concurrentSendersGetEverySeqOnceAndReadersNeverSeeAGapThatFillsLater() throws Exception {
    JdbcImStore store = open();
    JdbcImStore reader = open();
    ConvKey conv = ConvKey.user(1, 2);
    int threads = 4;
    int perThread = 40;
    int total = threads * perThread;
    AtomicReference<String> gap = new AtomicReference<>();
    AtomicBoolean done = new AtomicBoolean();
    List<Long> seen = Collections.synchronizedList(new ArrayList<>());
    ExecutorService executor = threads(threads + 1);
    Future<?> polling =
        executor.submit(
            () -> {
              long cursor = 0;
              while (cursor < total && gap.get() == null) {
                // after_seq 0 means "the newest": the first look asks for seq < 2
                HistoryPage page =
                    cursor == 0
                        ? reader.history(conv, 0, 2, 0, 1)
                        : reader.history(conv, cursor, 0, 0, 50);
                for (Message m : page.messages()) {
                  if (m.seq() != cursor + 1) {
                    gap.set("after " + cursor + " the reader saw " + m.seq());
                  }
                  cursor = m.seq();
                  seen.add(cursor);
                }
              }
              done.set(true);
            });
    List<Future<List<Long>>> senders = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      long sender = t % 2 == 0 ? 1 : 2;
      long base = (t + 1) * 1_000L;
      senders.add(
          executor.submit(
              () -> {
                List<Long> mine = new ArrayList<>();
                for (int i = 0; i < perThread; i++) {
                  mine.add(send(store, conv, sender, base + i, 1_000 + i).message().seq());
                }
                return mine;
              }));
    }
    List<Long> all = new ArrayList<>();
    for (Future<List<Long>> f : senders) {
      List<Long> mine = f.get(60, TimeUnit.SECONDS);
      assertThat(mine).isSorted();
      all.addAll(mine);
    }
    await().atMost(Duration.ofSeconds(30)).untilTrue(done);
    polling.get();

    assertThat(gap.get()).isNull();
    assertThat(all).hasSize(total).doesNotHaveDuplicates().allMatch(s -> s >= 1 && s <= total);
    assertThat(seen).hasSize(total);
    HistoryPage page = store.history(conv, 0, 0, 0, 1_000);
    assertThat(seqs(page)).hasSize(total).isSorted().doesNotHaveDuplicates();
    assertThat(page.lastSeq()).isEqualTo(total);
  }

  @Test
  void aRepeatedClientIdGivesTheStoredMessageAndNoGap() {
    JdbcImStore store = open();
    ConvKey conv = ConvKey.user(1, 2);
    Appended first = send(store, conv, 1, 77, 100);

    Appended again = send(store, conv, 1, 77, 200);
    Appended next = send(store, conv, 1, 78, 300);

    assertThat(again.duplicate()).isTrue();
    assertThat(again.message().id()).isEqualTo(first.message().id());
    assertThat(again.message().seq()).isEqualTo(1);
    assertThat(again.message().sentMs()).isEqualTo(100);
    assertThat(next.message().seq()).isEqualTo(2);
    assertThat(seqs(store.history(conv, 0, 0, 0, 10))).containsExactly(1L, 2L);
    // The same client id from another sender is another message.
    assertThat(send(store, conv, 2, 77, 400).duplicate()).isFalse();
  }

  @Test
  void concurrentDuplicatesStoreOneRowAndAllAnswerIt() throws Exception {
    JdbcImStore store = open();
    ConvKey conv = ConvKey.user(1, 2);
    int threads = 6;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService executor = threads(threads);
    List<Future<Appended>> results = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      JdbcImStore own = i % 2 == 0 ? store : open();
      results.add(
          executor.submit(
              () -> {
                start.await();
                return send(own, conv, 1, 5, 100);
              }));
    }
    start.countDown();
    Set<Long> messageIds = ConcurrentHashMap.newKeySet();
    int fresh = 0;
    for (Future<Appended> f : results) {
      Appended a = f.get(30, TimeUnit.SECONDS);
      messageIds.add(a.message().id());
      assertThat(a.message().seq()).isEqualTo(1);
      fresh += a.duplicate() ? 0 : 1;
    }

    assertThat(fresh).isEqualTo(1);
    assertThat(messageIds).hasSize(1);
    assertThat(send(store, conv, 1, 6, 200).message().seq()).isEqualTo(2);
    assertThat(seqs(store.history(conv, 0, 0, 0, 10))).containsExactly(1L, 2L);
  }

  @Test
  void aReusedMessageIdIsRefusedWithoutAGap() {
    JdbcImStore store = open();
    ConvKey conv = ConvKey.user(1, 2);
    Appended first = send(store, conv, 1, 1, 100);

    assertThatThrownBy(
            () ->
                store.append(new NewMessage(conv, first.message().id(), 2, 9, 1, new byte[0], 200)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already used");
    assertThat(send(store, conv, 2, 9, 300).message().seq()).isEqualTo(2);
  }

  @Test
  void historyPagesBothWaysAndHidesWhatCameBeforeTheJoin() {
    JdbcImStore store = open();
    ConvKey conv = ConvKey.user(1, 2);
    for (int i = 1; i <= 10; i++) {
      send(store, conv, 1 + i % 2, i, i);
    }

    HistoryPage newest = store.history(conv, 0, 0, 0, 3);
    assertThat(seqs(newest)).containsExactly(8L, 9L, 10L);
    assertThat(newest.more()).isTrue();
    assertThat(newest.lastSeq()).isEqualTo(10);
    assertThat(seqs(store.history(conv, 0, 8, 0, 3))).containsExactly(5L, 6L, 7L);
    HistoryPage oldest = store.history(conv, 0, 3, 0, 5);
    assertThat(seqs(oldest)).containsExactly(1L, 2L);
    assertThat(oldest.more()).isFalse();
    HistoryPage after = store.history(conv, 2, 0, 0, 3);
    assertThat(seqs(after)).containsExactly(3L, 4L, 5L);
    assertThat(after.more()).isTrue();
    HistoryPage tail = store.history(conv, 8, 0, 0, 5);
    assertThat(seqs(tail)).containsExactly(9L, 10L);
    assertThat(tail.more()).isFalse();
    assertThat(store.history(conv, 10, 0, 0, 5).messages()).isEmpty();
    // joined at 6: nothing at or before 6, whichever way
    HistoryPage joined = store.history(conv, 0, 0, 6, 10);
    assertThat(seqs(joined)).containsExactly(7L, 8L, 9L, 10L);
    assertThat(joined.more()).isFalse();
    assertThat(seqs(store.history(conv, 0, 9, 6, 2))).containsExactly(7L, 8L);
    assertThat(store.history(conv, 0, 9, 6, 2).more()).isFalse();
    assertThat(seqs(store.history(conv, 2, 0, 6, 2))).containsExactly(7L, 8L);
    assertThat(store.history(conv, 0, 5, 6, 10).messages()).isEmpty();
  }

  @Test
  void groupsKeepTheirMembersAndCount() {
    JdbcImStore store = open();
    Group created = store.createGroup(500, 1, "team", List.of(2L, 3L, 2L, 1L), 1_000);

    assertThat(created).isEqualTo(new Group(500, "team", 1, 3, 1_000, 0));
    assertThat(store.group(500)).contains(created);
    assertThat(store.members(500)).containsExactly(1, 2, 3);
    assertThat(store.member(500, 2)).hasValueSatisfying(m -> assertThat(m.joinedSeq()).isZero());
    send(store, ConvKey.group(500), 1, 1, 2_000);
    send(store, ConvKey.group(500), 2, 1, 2_001);

    assertThat(store.addMembers(500, List.of(3L, 4L, 5L, 4L), 3_000)).containsExactly(4L, 5L);
    assertThat(store.member(500, 4))
        .hasValueSatisfying(
            m -> {
              assertThat(m.joinedSeq()).isEqualTo(2);
              assertThat(m.joinedMs()).isEqualTo(3_000);
            });
    assertThat(store.group(500).orElseThrow().memberCount()).isEqualTo(5);
    assertThat(store.group(500).orElseThrow().lastSeq()).isEqualTo(2);
    assertThat(store.removeMembers(500, List.of(2L, 9L))).containsExactly(2L);
    assertThat(store.members(500)).containsExactly(1, 3, 4, 5);
    assertThat(store.member(500, 2)).isEmpty();
    assertThat(store.group(500).orElseThrow().memberCount()).isEqualTo(4);
    store.createGroup(400, 0, "system", List.of(4L), 1_000);
    assertThat(store.groupsOf(4)).containsExactly(new GroupRef(400, 1), new GroupRef(500, 4));
    assertThat(store.groupsOf(2)).isEmpty();
    assertThat(store.members(400)).containsExactly(4);

    assertThatThrownBy(() -> store.addMembers(500, List.of(6L, 7L), 4_000, 5))
        .isInstanceOf(GroupFullException.class);
    assertThat(store.members(500)).containsExactly(1, 3, 4, 5);
    assertThat(store.addMembers(500, List.of(6L), 4_000, 5)).containsExactly(6L);
    assertThatThrownBy(() -> store.createGroup(500, 1, "again", List.of(), 1))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void anUnknownGroupIsNotFound() {
    JdbcImStore store = open();

    assertThat(store.group(9)).isEmpty();
    assertThat(store.member(9, 1)).isEmpty();
    assertThatThrownBy(() -> store.members(9)).isInstanceOf(NoSuchGroupException.class);
    assertThatThrownBy(() -> store.addMembers(9, List.of(1L), 1))
        .isInstanceOf(NoSuchGroupException.class);
    assertThatThrownBy(() -> store.removeMembers(9, List.of(1L)))
        .isInstanceOf(NoSuchGroupException.class);
    assertThatThrownBy(() -> send(store, ConvKey.group(9), 1, 1, 1))
        .isInstanceOf(NoSuchGroupException.class)
        .satisfies(e -> assertThat(((NoSuchGroupException) e).groupId()).isEqualTo(9));
  }

  @Test
  void conversationsComeNewestFirstWithUnreadCountsAndCursorsThatNeverGoBack() {
    JdbcImStore store = open();
    long me = 1;
    send(store, ConvKey.user(me, 2), 2, 1, 100);
    send(store, ConvKey.user(me, 2), 2, 2, 110);
    send(store, ConvKey.user(me, 2), me, 1, 120);
    send(store, ConvKey.user(3, me), 3, 1, 200);
    store.createGroup(50, 9, "g", List.of(9L, 4L), 10);
    send(store, ConvKey.group(50), 9, 1, 300); // before I join
    store.addMembers(50, List.of(me), 310);
    send(store, ConvKey.group(50), 4, 1, 400);
    send(store, ConvKey.group(50), me, 2, 410);
    store.createGroup(60, 9, "quiet", List.of(me), 50); // no message yet
    send(store, ConvKey.user(7, 8), 7, 1, 999); // not mine

    ConversationPage page = store.conversations(me, 0, 10, 999);

    assertThat(page.more()).isFalse();
    assertThat(page.conversations())
        .extracting(ConversationView::kind, ConversationView::id, ConversationView::unread)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(ConvKind.GROUP, 50L, 1),
            org.assertj.core.groups.Tuple.tuple(ConvKind.USER, 3L, 1),
            org.assertj.core.groups.Tuple.tuple(ConvKind.USER, 2L, 2),
            org.assertj.core.groups.Tuple.tuple(ConvKind.GROUP, 60L, 0));
    ConversationView group = page.conversations().get(0);
    assertThat(group.lastSeq()).isEqualTo(3);
    assertThat(group.updatedMs()).isEqualTo(410);
    assertThat(group.memberCount()).isEqualTo(3);
    assertThat(group.lastMessage().sender()).isEqualTo(me);
    assertThat(group.lastMessage().seq()).isEqualTo(3);
    ConversationView quiet = page.conversations().get(3);
    assertThat(quiet.lastMessage()).isNull();
    assertThat(quiet.lastSeq()).isZero();
    assertThat(quiet.updatedMs()).isEqualTo(50);
    assertThat(page.conversations().get(2).memberCount()).isZero();

    ConversationPage first = store.conversations(me, 0, 2, 999);
    assertThat(first.more()).isTrue();
    assertThat(first.conversations()).extracting(ConversationView::id).containsExactly(50L, 3L);
    ConversationPage second = store.conversations(me, 200, 2, 999);
    assertThat(second.more()).isFalse();
    assertThat(second.conversations()).extracting(ConversationView::id).containsExactly(2L, 60L);
    assertThat(store.conversations(me, 0, 10, 1).conversations().get(2).unread()).isEqualTo(1);

    ConvKey withTwo = ConvKey.user(me, 2);
    assertThat(store.markRead(me, withTwo, 1, 999)).isEqualTo(new ReadState(1, 1));
    assertThat(store.markRead(me, withTwo, 0, 999)).isEqualTo(new ReadState(1, 1));
    assertThat(store.markRead(me, withTwo, 99, 999)).isEqualTo(new ReadState(3, 0));
    assertThat(store.markRead(me, withTwo, 2, 999)).isEqualTo(new ReadState(3, 0));
    assertThat(store.markRead(2, withTwo, 0, 999)).isEqualTo(new ReadState(0, 1));
    assertThat(store.markRead(me, ConvKey.group(50), 1, 999)).isEqualTo(new ReadState(1, 1));
    assertThat(store.markRead(4, ConvKey.group(50), 3, 999)).isEqualTo(new ReadState(3, 0));
    assertThat(store.markRead(me, ConvKey.user(me, 42), 5, 999)).isEqualTo(new ReadState(0, 0));
    ConversationView read = store.conversations(me, 0, 10, 999).conversations().get(2);
    assertThat(read.readSeq()).isEqualTo(3);
    assertThat(read.unread()).isZero();
  }

  @Test
  void twoStoresStartingTogetherMigrateOnce() throws Exception {
    JdbcImStore a = new JdbcImStore(database());
    JdbcImStore b = new JdbcImStore(database());
    stores.add(a);
    stores.add(b);
    ExecutorService executor = threads(2);
    CountDownLatch go = new CountDownLatch(1);
    Future<?> startA =
        executor.submit(
            () -> {
              go.await();
              a.start();
              return null;
            });
    Future<?> startB =
        executor.submit(
            () -> {
              go.await();
              b.start();
              return null;
            });
    go.countDown();
    startA.get(60, TimeUnit.SECONDS);
    startB.get(60, TimeUnit.SECONDS);

    ImDatabaseConfig config = database();
    try (Connection c =
            DriverManager.getConnection(config.url(), config.user(), config.password());
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT \"version\", \"success\" FROM \""
                    + ImDatabase.HISTORY_TABLE
                    + "\" WHERE \"version\" IS NOT NULL")) {
      List<String> applied = new ArrayList<>();
      while (rs.next()) {
        applied.add(rs.getString(1) + ":" + rs.getBoolean(2));
      }
      assertThat(applied).containsExactly("1:true");
    }
    send(a, ConvKey.user(1, 2), 1, 1, 1);
    assertThat(b.history(ConvKey.user(1, 2), 0, 0, 0, 5).lastSeq()).isEqualTo(1);
  }

  @Test
  void aStoppedStoreIsUnavailable() {
    JdbcImStore store = open();
    store.stop();

    assertThatThrownBy(() -> send(store, ConvKey.user(1, 2), 1, 1, 1))
        .isInstanceOf(ImUnavailableException.class)
        .satisfies(e -> assertThat(((ImUnavailableException) e).sqlState()).isEqualTo("08003"));
    assertThatThrownBy(() -> store.conversations(1, 0, 10, 999))
        .isInstanceOf(ImUnavailableException.class);
  }

  @Test
  void countsStatementsAndMeasuresTables() {
    JdbcImStore store = open();
    ConvKey conv = ConvKey.user(1, 2);
    send(store, conv, 1, 1, 1); // creates the conversation
    long before = store.statements();

    send(store, conv, 1, 2, 2);

    assertThat(store.statements() - before).isEqualTo(statementsPerAppend());
    assertThat(store.tableBytes()).containsOnlyKeys(JdbcImStore.TABLES);
    assertThat(store.tableBytes().values()).allMatch(bytes -> bytes >= 0);
  }

  /** Statements one append sends once its conversation exists. */
  abstract long statementsPerAppend();
}
