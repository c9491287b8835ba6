package io.herald.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** One node's view of a Redis Cluster, parsed from its {@code CLUSTER NODES} reply. */
record ClusterNodes(List<Node> nodes) {

  /**
   * A line of the reply.
   *
   * @param port the client port (the part of {@code ip:port@busport} before the {@code @})
   * @param master the id of the node it replicates, or {@code "-"} for a master
   * @param slots the slot ranges it serves, {@code [from, to]} each
   */
  record Node(String id, int port, Set<String> flags, String master, List<int[]> slots) {
    boolean isMaster() {
      return flags.contains("master");
    }

    boolean failed() {
      return flags.contains("fail") || flags.contains("fail?");
    }

    boolean serves(int slot) {
      return slots.stream().anyMatch(range -> range[0] <= slot && slot <= range[1]);
    }
  }

  static ClusterNodes parse(String reply) {
    List<Node> nodes = new ArrayList<>();
    for (String line : reply.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] fields = line.strip().split(" ");
      String address = fields[1];
      int colon = address.lastIndexOf(':');
      int at = address.indexOf('@', colon);
      int port = Integer.parseInt(address.substring(colon + 1, at < 0 ? address.length() : at));
      List<int[]> slots = new ArrayList<>();
      for (int i = 8; i < fields.length; i++) {
        if (fields[i].startsWith("[")) {
          continue; // a slot being migrated or imported
        }
        int dash = fields[i].indexOf('-');
        int from = Integer.parseInt(dash < 0 ? fields[i] : fields[i].substring(0, dash));
        int to = dash < 0 ? from : Integer.parseInt(fields[i].substring(dash + 1));
        slots.add(new int[] {from, to});
      }
      nodes.add(new Node(fields[0], port, Set.of(fields[2].split(",")), fields[3], slots));
    }
    return new ClusterNodes(List.copyOf(nodes));
  }

  /** The master serving {@code slot} that this view does not hold failed, if any. */
  Optional<Node> masterOf(int slot) {
    return nodes.stream().filter(n -> n.isMaster() && !n.failed() && n.serves(slot)).findFirst();
  }

  /** Whether every node is connected and none is (suspected) failed. */
  boolean allHealthy() {
    return nodes.stream().noneMatch(Node::failed);
  }
}
