package io.herald.it.failure;

import io.herald.testkit.RedisClusterServer;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongFunction;
import java.util.stream.LongStream;

/**
 * The Redis Cluster master the suite kills, chosen with the roles' key prefix so that it holds keys
 * of some SDK devices — the inbox ({@code <prefix>:inbox:{<mid>}}) of at least one, a session key
 * ({@code <prefix>:key:<key>} or {@code <prefix>:mid:<mid>}) of at least one — and no key every
 * user shares: not the registry's, the online reports', the incarnation, the suite's room index, or
 * the Comets' connection sets. That is what most masters of a cluster hold, and it keeps the fault
 * to what docs/operations.md says of the dead master's users; at least one device keeps all its
 * keys on the other masters, so the suite sees those served throughout.
 *
 * @param prefix the roles' key prefix
 * @param port the master's client port
 * @param aKey a key it holds, to kill it by
 * @param inboxes users whose inbox it holds
 * @param touched users with any of their keys on it (inbox, session key, mid hash)
 */
public record DoomedMaster(
    String prefix, int port, String aKey, Set<Long> inboxes, Set<Long> touched) {

  /**
   * Tries key prefixes under {@code redis}'s own until one puts such a master among the masters of
   * the devices' inboxes ({@code mids}, device key {@code keyOf}).
   */
  public static DoomedMaster choose(
      RedisClusterServer redis, List<Long> mids, LongFunction<String> keyOf, List<String> comets) {
    for (int attempt = 0; attempt < 200; attempt++) {
      String prefix = redis.keyPrefix() + "h" + attempt;
      Set<Integer> shared = new TreeSet<>();
      for (String key :
          List.of(
              "{" + prefix + ":registry}:nodes",
              "{" + prefix + ":online}:servers",
              prefix + ":incarnation",
              prefix + ":room:live://" + PushKind.ROOM_ID)) {
        shared.add(redis.masterPortOf(key));
      }
      comets.forEach(id -> shared.add(redis.masterPortOf(prefix + ":server:" + id)));
      for (long candidate : mids) {
        String inbox = prefix + ":inbox:{" + candidate + "}";
        int port = redis.masterPortOf(inbox);
        if (shared.contains(port)) {
          continue;
        }
        Set<Long> inboxes = new TreeSet<>();
        Set<Long> sessions = new TreeSet<>();
        for (long mid : mids) {
          if (redis.masterPortOf(prefix + ":inbox:{" + mid + "}") == port) {
            inboxes.add(mid);
          }
          if (redis.masterPortOf(prefix + ":key:" + keyOf.apply(mid)) == port
              || redis.masterPortOf(prefix + ":mid:" + mid) == port) {
            sessions.add(mid);
          }
        }
        Set<Long> touched = new TreeSet<>(inboxes);
        touched.addAll(sessions);
        if (!sessions.isEmpty() && touched.size() < mids.size()) {
          return new DoomedMaster(prefix, port, inbox, Set.copyOf(inboxes), Set.copyOf(touched));
        }
      }
    }
    throw new IllegalStateException("no key prefix puts devices' keys alone on one master");
  }

  public boolean touches(Receiver receiver) {
    return touched.contains(receiver.mid());
  }

  /** The mids from {@code first}, {@code count} of them. */
  public static List<Long> mids(long first, int count) {
    return LongStream.range(first, first + count).boxed().toList();
  }

  @Override
  public String toString() {
    return "127.0.0.1:"
        + port
        + " (the inboxes of "
        + inboxes.size()
        + " users, keys of "
        + touched.size()
        + ")";
  }
}
