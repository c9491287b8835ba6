package io.herald.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.wire.chat.Conversation;
import io.herald.wire.chat.ConversationSummary;
import io.herald.wire.chat.FanoutMode;
import org.junit.jupiter.api.Test;

class UnreadCountsTest {
  private static final Conversation PEER = Conversation.user(8);
  private final UnreadCounts counts = new UnreadCounts();

  private static ConversationSummary summary(long lastSeq, long readSeq, int unread) {
    return new ConversationSummary(PEER, FanoutMode.WRITE, lastSeq, readSeq, unread, 1L, null);
  }

  @Test
  void messagesFromOthersAfterTheReadPositionCountOwnOnesDoNot() {
    assertThat(counts.get(PEER)).isZero();
    assertThat(counts.message(PEER, 1, false)).isEqualTo(1);
    assertThat(counts.message(PEER, 2, true)).isEqualTo(1);
    assertThat(counts.message(PEER, 3, false)).isEqualTo(2);
    assertThat(counts.all()).containsEntry(PEER, 2);
  }

  @Test
  void aListSetsTheBaseAndMessagesItCoveredAreNotCountedAgain() {
    counts.message(PEER, 9, false); // arrived before the list answered
    assertThat(counts.listed(summary(10, 7, 3))).isEqualTo(3);
    assertThat(counts.message(PEER, 10, false)).as("covered by the list").isEqualTo(3);
    assertThat(counts.message(PEER, 11, false)).isEqualTo(4);
  }

  @Test
  void aLiveMessageNewerThanTheListSurvivesIt() {
    counts.message(PEER, 12, false);
    assertThat(counts.listed(summary(10, 7, 3))).isEqualTo(4);
  }

  @Test
  void aReadRemovesExactlyTheLiveSeqsItCoversAndBoundsTheListedPart() {
    counts.listed(summary(10, 4, 6)); // 5..10 unread
    counts.message(PEER, 11, false);
    counts.message(PEER, 12, false);
    assertThat(counts.get(PEER)).isEqualTo(8);

    assertThat(counts.read(PEER, 8)).as("at most 9, 10 listed, + 11, 12").isEqualTo(4);
    assertThat(counts.read(PEER, 11)).isEqualTo(1);
    assertThat(counts.read(PEER, 5)).as("a read never moves back").isEqualTo(1);
    assertThat(counts.read(PEER, 12)).isZero();
    assertThat(counts.message(PEER, 12, false)).as("at or below the read position").isZero();
  }

  @Test
  void aListOlderThanALocalReadKeepsTheRead() {
    counts.read(PEER, 10);
    assertThat(counts.listed(summary(10, 6, 4))).isZero();
    assertThat(counts.listed(summary(12, 6, 6))).as("11, 12 at most").isEqualTo(2);
  }

  @Test
  void aForgottenConversationCountsZero() {
    counts.message(PEER, 1, false);
    counts.forget(PEER);
    assertThat(counts.get(PEER)).isZero();
    assertThat(counts.all()).isEmpty();
  }
}
