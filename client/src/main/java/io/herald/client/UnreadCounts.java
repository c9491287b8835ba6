package io.herald.client;

import io.herald.wire.chat.Conversation;
import io.herald.wire.chat.ConversationSummary;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The client's unread count per conversation: messages from others after the user's read position.
 * The server's count from a conversation list is the base; messages arriving after the list's last
 * seq are added one by one (their seqs kept, so a later read removes exactly those it covers); a
 * read by the user (a mark-read reply, or a receipt whose reader is the user) drops the base to at
 * most the seqs it leaves unread. Exact for what arrived after the list; for the listed part an
 * upper bound after a partial read, corrected by the next list. The caller hands each message over
 * once (the delivery layer deduplicates). Not thread-safe: the chat layer keeps it on the event
 * loop.
 */
final class UnreadCounts {
  private static final class Entry {
    long readSeq;

    /** The last seq the server's count covered. */
    long listedUpTo;

    /** The server's count of unread messages up to {@link #listedUpTo}. */
    int listed;

    /** Seqs after {@link #listedUpTo} from others, not yet read. */
    final TreeSet<Long> live = new TreeSet<>();

    int count() {
      return listed + live.size();
    }
  }

  private final Map<Conversation, Entry> entries = new HashMap<>();

  /** The count of {@code conversation}; 0 when unknown. */
  int get(Conversation conversation) {
    Entry entry = entries.get(conversation);
    return entry == null ? 0 : entry.count();
  }

  /** Every conversation with its count. */
  Map<Conversation, Integer> all() {
    Map<Conversation, Integer> all = new HashMap<>();
    entries.forEach((conversation, entry) -> all.put(conversation, entry.count()));
    return all;
  }

  /** The server's view of one conversation (a list reply); the new count. */
  int listed(ConversationSummary summary) {
    Entry entry = entries.computeIfAbsent(summary.conversation(), c -> new Entry());
    entry.listedUpTo = Math.max(entry.listedUpTo, summary.lastSeq());
    entry.listed = Math.max(0, summary.unread());
    if (summary.readSeq() > entry.readSeq) {
      entry.readSeq = summary.readSeq();
    } else if (entry.readSeq > summary.readSeq()) {
      // Read here further than the list knew: at most the seqs after the read are unread.
      entry.listed = (int) Math.min(entry.listed, Math.max(0, entry.listedUpTo - entry.readSeq));
    }
    entry.live.headSet(Math.max(entry.listedUpTo, entry.readSeq), true).clear();
    return entry.count();
  }

  /** A message of {@code conversation} at {@code seq}, {@code own} when the user sent it. */
  int message(Conversation conversation, long seq, boolean own) {
    Entry entry = entries.computeIfAbsent(conversation, c -> new Entry());
    if (!own && seq > entry.readSeq && seq > entry.listedUpTo) {
      entry.live.add(seq);
    }
    return entry.count();
  }

  /** The user read {@code conversation} up to {@code seq} (here or on another device). */
  int read(Conversation conversation, long seq) {
    Entry entry = entries.computeIfAbsent(conversation, c -> new Entry());
    if (seq > entry.readSeq) {
      entry.readSeq = seq;
      entry.live.headSet(seq, true).clear();
      entry.listed = (int) Math.min(entry.listed, Math.max(0, entry.listedUpTo - seq));
    }
    return entry.count();
  }

  /** Forgets {@code conversation} (the user left the group). */
  void forget(Conversation conversation) {
    entries.remove(conversation);
  }
}
