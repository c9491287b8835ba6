package io.herald.balancer.locate;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A CIDR → region table for IPv4 and IPv6 networks; the longest matching prefix wins. IPv4-mapped
 * IPv6 addresses ({@code ::ffff:1.2.3.4}) match IPv4 networks. Immutable.
 *
 * <p>A lookup costs one hash probe per distinct prefix length in the table, longest first.
 */
public final class CidrTable {

  private static final CidrTable EMPTY = new CidrTable(new LinkedHashMap<>());

  private final Map<String, String> entries;
  private final List<Level> ipv4;
  private final List<Level> ipv6;

  private CidrTable(Map<CidrBlock, String> blocks) {
    Map<String, String> entries = new LinkedHashMap<>();
    Map<Integer, Map<BigInteger, String>> v4 = new TreeMap<>(Comparator.reverseOrder());
    Map<Integer, Map<BigInteger, String>> v6 = new TreeMap<>(Comparator.reverseOrder());
    blocks.forEach(
        (block, region) -> {
          entries.put(block.toString(), region);
          (block.ipv4() ? v4 : v6)
              .computeIfAbsent(block.prefixLength(), length -> new HashMap<>())
              .put(block.key(), region);
        });
    this.entries = Collections.unmodifiableMap(entries);
    this.ipv4 = levels(v4);
    this.ipv6 = levels(v6);
  }

  public static CidrTable empty() {
    return EMPTY;
  }

  /**
   * The table of {@code cidrToRegion}: keys like {@code 10.0.0.0/8} or {@code 2001:db8::/32} (a
   * bare address is a /32 or /128), values region names. Throws {@link IllegalArgumentException}
   * naming the entry for a malformed network, one with bits set past its prefix, a network listed
   * twice, or an empty region.
   */
  public static CidrTable of(Map<String, String> cidrToRegion) {
    Builder builder = builder();
    cidrToRegion.forEach(builder::add);
    return builder.build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The region of the most specific network containing {@code address}, if any. */
  public Optional<String> regionOf(InetAddress address) {
    InetAddress ip = IpLiteral.unmapped(address);
    byte[] bytes = ip.getAddress();
    for (Level level : bytes.length == 4 ? ipv4 : ipv6) {
      String region = level.regions.get(CidrBlock.key(bytes, level.prefixLength));
      if (region != null) {
        return Optional.of(region);
      }
    }
    return Optional.empty();
  }

  /** The entries in normalized notation ({@code 10.0.0.0/8}), in the order added. */
  public Map<String, String> entries() {
    return entries;
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  @Override
  public String toString() {
    return "CidrTable" + entries;
  }

  private static List<Level> levels(Map<Integer, Map<BigInteger, String>> byLength) {
    List<Level> levels = new ArrayList<>();
    byLength.forEach((length, regions) -> levels.add(new Level(length, Map.copyOf(regions))));
    return List.copyOf(levels);
  }

  /** The networks of one prefix length, by their masked address. */
  private record Level(int prefixLength, Map<BigInteger, String> regions) {}

  /** Collects entries; validation happens as they are added. */
  public static final class Builder {
    private final Map<CidrBlock, String> blocks = new LinkedHashMap<>();

    private Builder() {}

    /** Maps {@code cidr} to {@code region}; see {@link CidrTable#of} for what is rejected. */
    public Builder add(String cidr, String region) {
      Objects.requireNonNull(cidr, "cidr");
      CidrBlock block = CidrBlock.parse(cidr);
      if (region == null || region.isBlank()) {
        throw new IllegalArgumentException(
            "cidr: " + cidr + " -> '" + region + "' (expected: a region name)");
      }
      String previous = blocks.putIfAbsent(block, region.strip());
      if (previous != null) {
        throw new IllegalArgumentException(
            "cidr: " + cidr + " (expected: each network once; " + block + " is already mapped)");
      }
      return this;
    }

    public CidrTable build() {
      return blocks.isEmpty() ? EMPTY : new CidrTable(blocks);
    }
  }
}
