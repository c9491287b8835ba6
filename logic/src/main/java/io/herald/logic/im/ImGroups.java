package io.herald.logic.im;

import io.herald.im.Group;
import io.herald.im.GroupRef;
import io.herald.im.ImStore;
import io.herald.logic.ids.MessageIds;
import io.herald.wire.chat.ChatNotice;
import io.herald.wire.chat.ChatStatus;
import io.herald.wire.chat.FanoutMode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Group administration for backends: create, add and remove members, read a group. Limits: at most
 * {@code maxGroupMembers} members (LIMIT_EXCEEDED), and no user in more than {@code
 * maxReadFanoutGroupsPerUser} read fan-out groups (LIMIT_EXCEEDED: a client joins one room per such
 * group, and a connection holds a bounded number of rooms). The second limit is checked before the
 * change, from each affected user's groups: two concurrent adds may each pass it for the same user.
 *
 * <p>Notices (op 38, best effort, by user): members added to a read fan-out group get JOINED (they
 * join room {@code chat://<id>} and pull); when an add takes a group over {@code
 * writeFanoutMaxMembers}, every member gets JOINED once; removed members get REMOVED.
 */
public final class ImGroups {
  /** The most mids one create, add or remove names. */
  public static final int MAX_MIDS_PER_CALL = 1000;

  /** The longest group name, in characters. */
  public static final int MAX_NAME_LENGTH = 128;

  private final ImStore store;
  private final StoreCalls calls;
  private final ImService service;
  private final ChatFanout fanout;
  private final FanoutRule rule;
  private final MessageIds ids;
  private final ImConfig config;
  private final Clock clock;
  private final ImMetrics metrics;

  ImGroups(
      ImStore store,
      StoreCalls calls,
      ImService service,
      ChatFanout fanout,
      MessageIds ids,
      ImConfig config,
      Clock clock,
      ImMetrics metrics) {
    this.store = store;
    this.calls = calls;
    this.service = service;
    this.fanout = fanout;
    this.rule = new FanoutRule(config.writeFanoutMaxMembers());
    this.ids = ids;
    this.config = config;
    this.clock = clock;
    this.metrics = metrics;
  }

  /** A group and how its messages reach its members. */
  public record GroupView(Group group, FanoutMode mode) {}

  /** What an add or remove changed: the mids added or removed, and the group after it. */
  public record Changed(List<Long> mids, GroupView group) {}

  /** Creates a group; its id comes from the message ids. */
  public CompletableFuture<GroupView> create(long owner, String name, Collection<Long> members) {
    return ChatFailures.counted(
        metrics,
        "create_group",
        () -> {
          if (owner < 0) {
            throw ChatException.badRequest("owner: " + owner + " (expected: a user id >= 0)");
          }
          String groupName = name(name);
          Set<Long> all = new LinkedHashSet<>(mids("members", members, true));
          if (owner > 0) {
            all.add(owner);
          }
          if (all.size() > config.maxGroupMembers()) {
            throw limit(
                "members: " + all.size() + " (expected: at most " + config.maxGroupMembers() + ")");
          }
          return calls.run(
              () -> {
                if (rule.mode(all.size()) == FanoutMode.READ) {
                  checkReadGroups(all, 0);
                }
                Group group = store.createGroup(ids.next(), owner, groupName, all, clock.millis());
                return new GroupView(group, rule.mode(group.memberCount()));
              });
        });
  }

  /** Adds members; those already members are skipped. */
  public CompletableFuture<Changed> add(long groupId, Collection<Long> mids) {
    return ChatFailures.counted(
        metrics,
        "add_members",
        () -> {
          requireGroupId(groupId);
          List<Long> asked = mids("mids", mids, false);
          return calls
              .run(
                  () -> {
                    Group before = service.requireGroup(groupId);
                    long[] members = store.members(groupId);
                    List<Long> fresh = new ArrayList<>();
                    for (Long mid : new LinkedHashSet<>(asked)) {
                      if (Arrays.binarySearch(members, mid) < 0) {
                        fresh.add(mid);
                      }
                    }
                    int after = members.length + fresh.size();
                    if (after > config.maxGroupMembers()) {
                      throw limit(
                          "members: group "
                              + groupId
                              + " would have "
                              + after
                              + " (expected: at most "
                              + config.maxGroupMembers()
                              + ")");
                    }
                    boolean crossing = rule.becomesRead(members.length, after);
                    if (rule.mode(after) == FanoutMode.READ) {
                      List<Long> affected = new ArrayList<>(fresh);
                      if (crossing) {
                        Arrays.stream(members).forEach(affected::add);
                      }
                      checkReadGroups(affected, groupId);
                    }
                    List<Long> added =
                        store.addMembers(groupId, fresh, clock.millis(), config.maxGroupMembers());
                    Group now = service.requireGroup(groupId);
                    List<Long> joined = new ArrayList<>();
                    if (rule.becomesRead(before.memberCount(), now.memberCount())) {
                      Arrays.stream(store.members(groupId)).forEach(joined::add);
                    } else if (rule.mode(now.memberCount()) == FanoutMode.READ) {
                      joined.addAll(added);
                    }
                    return new Notified(
                        new Changed(added, new GroupView(now, rule.mode(now.memberCount()))),
                        joined);
                  })
              .thenCompose(
                  notified ->
                      fanout
                          .userNotice(
                              groupId,
                              notified.changed().group().group().lastSeq(),
                              ChatNotice.Event.JOINED,
                              notified.notified())
                          .thenApply(ignored -> notified.changed()));
        });
  }

  /** Removes members; each removed one gets a REMOVED notice. */
  public CompletableFuture<Changed> remove(long groupId, Collection<Long> mids) {
    return ChatFailures.counted(
        metrics,
        "remove_members",
        () -> {
          requireGroupId(groupId);
          List<Long> asked = mids("mids", mids, false);
          return calls
              .run(
                  () -> {
                    List<Long> removed = store.removeMembers(groupId, asked);
                    Group now = service.requireGroup(groupId);
                    return new Changed(removed, new GroupView(now, rule.mode(now.memberCount())));
                  })
              .thenCompose(
                  changed ->
                      fanout
                          .userNotice(
                              groupId,
                              changed.group().group().lastSeq(),
                              ChatNotice.Event.REMOVED,
                              changed.mids())
                          .thenApply(ignored -> changed));
        });
  }

  /** The group; NOT_FOUND if there is none. */
  public CompletableFuture<GroupView> group(long groupId) {
    return ChatFailures.counted(
        metrics,
        "get_group",
        () -> {
          requireGroupId(groupId);
          return calls.run(
              () -> {
                Group group = service.requireGroup(groupId);
                return new GroupView(group, rule.mode(group.memberCount()));
              });
        });
  }

  private record Notified(Changed changed, List<Long> notified) {}

  /**
   * LIMIT_EXCEEDED if one of {@code mids} is already in {@code maxReadFanoutGroupsPerUser} read
   * fan-out groups other than {@code groupId}. Blocking: on the store's threads only.
   */
  private void checkReadGroups(Collection<Long> mids, long groupId) {
    int max = config.maxReadFanoutGroupsPerUser();
    for (Long mid : mids) {
      long read = 0;
      for (GroupRef ref : store.groupsOf(mid)) {
        if (ref.groupId() != groupId && rule.mode(ref.memberCount()) == FanoutMode.READ) {
          read++;
        }
      }
      if (read + 1 > max) {
        throw limit(
            "mids: user "
                + mid
                + " is in "
                + read
                + " read fan-out groups (expected: at most "
                + max
                + " in all)");
      }
    }
  }

  private static ChatException limit(String message) {
    return new ChatException(ChatStatus.LIMIT_EXCEEDED, message);
  }

  private static void requireGroupId(long groupId) {
    if (groupId <= 0) {
      throw ChatException.badRequest("group_id: " + groupId + " (expected: > 0)");
    }
  }

  private static String name(String name) {
    String text = name == null ? "" : name.strip();
    if (text.length() > MAX_NAME_LENGTH) {
      throw ChatException.badRequest(
          "name: " + text.length() + " characters (expected: at most " + MAX_NAME_LENGTH + ")");
    }
    return text;
  }

  /** 1 (or 0 when {@code mayBeEmpty}) to {@value #MAX_MIDS_PER_CALL} user ids, each > 0. */
  private static List<Long> mids(String field, Collection<Long> mids, boolean mayBeEmpty) {
    List<Long> list = mids == null ? List.of() : List.copyOf(mids);
    if ((list.isEmpty() && !mayBeEmpty) || list.size() > MAX_MIDS_PER_CALL) {
      throw ChatException.badRequest(
          field
              + ": "
              + list.size()
              + " mids (expected: "
              + (mayBeEmpty ? 0 : 1)
              + " to "
              + MAX_MIDS_PER_CALL
              + ")");
    }
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i) <= 0) {
        throw ChatException.badRequest(
            field + "[" + i + "]: " + list.get(i) + " (expected: a user id > 0)");
      }
    }
    return list;
  }
}
