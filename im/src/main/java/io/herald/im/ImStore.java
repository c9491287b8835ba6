package io.herald.im;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Durable storage of the IM layer: groups and members, conversations with a gap-free seq, messages
 * and read cursors. Calls block (JDBC); run them on an executor of your own, never on an event
 * loop.
 *
 * <p>Errors: every call throws {@link ImUnavailableException} when the database cannot be used (the
 * caller answers UNAVAILABLE; the client retries with the same client message id, which {@link
 * #append} answers idempotently), {@link NoSuchGroupException} where a group must exist, and {@link
 * IllegalArgumentException} for arguments out of range. No {@link java.sql.SQLException} escapes.
 *
 * <p>Order: each conversation's messages get seq 1, 2, 3, … without gaps, allocated in the same
 * transaction as the insert under the conversation row's lock, so per conversation commit order is
 * seq order: a reader asking for messages after seq N never misses one that commits later with a
 * smaller seq.
 */
public interface ImStore {

  /**
   * Creates a group and its conversation (last seq 0). The owner, if not 0, is a member too;
   * duplicate mids count once. Members join at seq 0.
   *
   * @return the group as stored
   * @throws IllegalStateException if a group with this id exists (ids come from IdGen: a bug)
   */
  Group createGroup(long groupId, long owner, String name, Collection<Long> members, long nowMs);

  /** As {@link #addMembers(long, Collection, long, int)} with no limit. */
  default List<Long> addMembers(long groupId, Collection<Long> mids, long nowMs) {
    return addMembers(groupId, mids, nowMs, Integer.MAX_VALUE);
  }

  /**
   * Adds members; each joins at the group's current last seq (sees only later messages). The group
   * row is locked for the change, so concurrent adds cannot pass the limit together.
   *
   * @param maxMembers the member count the group may reach
   * @return the mids added (those not already members), in the order given
   * @throws NoSuchGroupException if there is no such group
   * @throws GroupFullException if the new members would take it past {@code maxMembers} (nothing is
   *     added)
   */
  List<Long> addMembers(long groupId, Collection<Long> mids, long nowMs, int maxMembers);

  /**
   * Removes members (their read cursors stay; re-added, they join at the then last seq).
   *
   * @return the mids removed (those that were members), in the order given
   * @throws NoSuchGroupException if there is no such group
   */
  List<Long> removeMembers(long groupId, Collection<Long> mids);

  /** The group, or empty if there is none. */
  Optional<Group> group(long groupId);

  /**
   * The group's members now, ascending.
   *
   * @throws NoSuchGroupException if there is no such group
   */
  long[] members(long groupId);

  /** {@code mid}'s membership of the group, or empty if not a member (or no such group). */
  Optional<Membership> member(long groupId, long mid);

  /** The groups {@code mid} is a member of, with their member counts, by group id. */
  List<GroupRef> groupsOf(long mid);

  /**
   * Appends a message, allocating its seq: one statement on PostgreSQL (a CTE that bumps the
   * conversation's last seq and inserts the message), two in one transaction on H2. A one-to-one
   * conversation's row is created on its first message. If {@code (sender, clientMsgId)} is already
   * stored (a retry, or a concurrent duplicate that won), nothing is written and the stored message
   * comes back with {@code duplicate = true} — whatever conversation it is in. A failed insert
   * leaves no gap.
   *
   * @throws NoSuchGroupException for a group conversation whose group does not exist
   * @throws IllegalStateException if the message id is already used by another message (ids come
   *     from IdGen: a bug)
   */
  Appended append(NewMessage message);

  /**
   * A page of a conversation's history, ascending by seq. If {@code afterSeq > 0}: the first {@code
   * limit} messages with seq &gt; afterSeq; else the newest {@code limit} with seq &lt; beforeSeq
   * ({@code beforeSeq <= 0}: no bound). Only messages with seq &gt; {@code minSeqExclusive} are
   * returned (a group member's joined seq; 0 for one-to-one). An unknown conversation gives an
   * empty page with last seq 0.
   *
   * @param limit 1 or more (the caller applies its own cap)
   */
  HistoryPage history(ConvKey conv, long afterSeq, long beforeSeq, long minSeqExclusive, int limit);

  /**
   * {@code mid}'s conversations, newest first: its one-to-one conversations and the conversations
   * of the groups it is a member of (a group appears from its creation, before any message).
   *
   * @param beforeUpdatedMs only conversations updated before this (exclusive); 0 = newest
   * @param limit 1 or more
   * @param unreadCap the most unread messages counted per conversation (e.g. 999)
   */
  ConversationPage conversations(long mid, long beforeUpdatedMs, int limit, int unreadCap);

  /**
   * Moves {@code mid}'s read cursor of the conversation to {@code seq}: never back (a lower seq
   * keeps the cursor), never past the conversation's last seq (a higher one is clamped). Does not
   * check membership; the caller does.
   *
   * @param unreadCap the most unread messages counted
   * @return the cursor after the call and the unread count after it
   */
  ReadState markRead(long mid, ConvKey conv, long seq, int unreadCap);
}
