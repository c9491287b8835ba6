package io.herald.balancer.rank;

import io.herald.proto.registry.v1.CometNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Orders a registry snapshot for one client: the list the client tries in order.
 *
 * <ol>
 *   <li>Nodes that may not be offered are dropped (draining, weight 0, at capacity, no usable
 *       address; see {@link NodeScore}). If the snapshot holds a server id twice, the record with
 *       the later epoch, then the later renew, counts.
 *   <li>Nodes are grouped by place and the places sorted by great-circle distance from the client
 *       (ties by name). A node's place is its region when the region is configured, at the region's
 *       configured point, whatever the node's own coordinates say. A region name that is not
 *       configured still groups its nodes, placed at the node's own latitude/longitude (the group
 *       at its member nearest the client). A node with an empty region is placed alone at its own
 *       coordinates, grouped only with nodes at exactly the same point — so a cluster with no
 *       regions at all (every node at 0, 0) forms a single group. A node whose own coordinates are
 *       needed but invalid goes last.
 *   <li>Within a place, nodes are shuffled by {@link SeededOrder} on {@code weight × headroom}:
 *       deterministic for a seed, proportional to the score over many seeds.
 *   <li>Places are taken nearest first until {@code limit} nodes are listed: when the nearest
 *       region has fewer healthy nodes than the limit, the list spills over to the next-nearest.
 * </ol>
 *
 * <p>When the client's location is {@link ClientLocation.Source#UNKNOWN unknown}, places are not
 * ordered: all eligible nodes compete in one group on score alone.
 *
 * <p>Pure and thread-safe: no I/O, no clock, no shared mutable state.
 */
public final class NodeRanker {

  private final Regions regions;

  public NodeRanker(Regions regions) {
    this.regions = Objects.requireNonNull(regions, "regions");
  }

  /** At most {@code request.limit()} distinct nodes from {@code snapshot}, best first. */
  public List<CometNode> rank(
      ClientLocation where, Collection<CometNode> snapshot, RankRequest request) {
    Objects.requireNonNull(where, "where");
    Objects.requireNonNull(request, "request");
    Map<String, Place> places = new HashMap<>();
    for (CometNode node : latestById(snapshot)) {
      if (NodeScore.eligible(node, request)) {
        place(node, where.point(), places);
      }
    }
    List<Place> nearestFirst = new ArrayList<>(places.values());
    nearestFirst.sort(
        Comparator.comparingDouble((Place place) -> place.distanceKm)
            .thenComparing(place -> place.key));

    SeededOrder order = new SeededOrder(request.seed());
    List<CometNode> ranked = new ArrayList<>(request.limit());
    for (Place place : nearestFirst) {
      for (CometNode node : place.shuffled(order)) {
        if (ranked.size() == request.limit()) {
          return List.copyOf(ranked);
        }
        ranked.add(node);
      }
    }
    return List.copyOf(ranked);
  }

  private void place(CometNode node, Optional<GeoPoint> client, Map<String, Place> places) {
    if (client.isEmpty()) {
      places.computeIfAbsent("", key -> new Place(key, 0)).nodes.add(node);
      return;
    }
    String region = node.getRegion().strip();
    Optional<GeoPoint> point = regions.get(region).map(Region::location);
    if (point.isEmpty() && GeoPoint.isValid(node.getLatitude(), node.getLongitude())) {
      point = Optional.of(new GeoPoint(node.getLatitude(), node.getLongitude()));
    }
    String key =
        region.isEmpty()
            ? "@" + node.getLatitude() + "," + node.getLongitude()
            : "region:" + region;
    double distanceKm = point.map(client.get()::distanceKm).orElse(Double.POSITIVE_INFINITY);
    Place place = places.computeIfAbsent(key, k -> new Place(k, distanceKm));
    place.distanceKm = Math.min(place.distanceKm, distanceKm);
    place.nodes.add(node);
  }

  private static Collection<CometNode> latestById(Collection<CometNode> snapshot) {
    Map<String, CometNode> byId = new HashMap<>();
    for (CometNode node : snapshot) {
      byId.merge(node.getServerId(), node, NodeRanker::later);
    }
    return byId.values();
  }

  private static CometNode later(CometNode a, CometNode b) {
    if (a.getEpoch() != b.getEpoch()) {
      return a.getEpoch() > b.getEpoch() ? a : b;
    }
    return b.getLastRenewUnixMs() > a.getLastRenewUnixMs() ? b : a;
  }

  private record Keyed(double key, CometNode node) {}

  /** Nodes ranked as one group, at the distance of the group's nearest point. */
  private static final class Place {
    final String key;
    double distanceKm;
    final List<CometNode> nodes = new ArrayList<>();

    Place(String key, double distanceKm) {
      this.key = key;
      this.distanceKm = distanceKm;
    }

    List<CometNode> shuffled(SeededOrder order) {
      List<Keyed> keyed = new ArrayList<>(nodes.size());
      for (CometNode node : nodes) {
        keyed.add(new Keyed(order.key(node.getServerId(), NodeScore.of(node)), node));
      }
      keyed.sort(
          Comparator.comparingDouble(Keyed::key)
              .thenComparing(entry -> entry.node().getServerId()));
      return keyed.stream().map(Keyed::node).toList();
    }
  }
}
