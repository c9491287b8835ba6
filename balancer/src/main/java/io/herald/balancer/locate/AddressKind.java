package io.herald.balancer.locate;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * What kind of network an address belongs to. Only {@link #PUBLIC} addresses are looked up in a
 * GeoIP database: it cannot know where a private address is. Private addresses can still be mapped
 * by the CIDR table, for an intranet that knows its own ranges.
 */
public enum AddressKind {
  /** Globally routed, as far as this classification knows. */
  PUBLIC,
  /** 10/8, 172.16/12, 192.168/16 (RFC 1918); IPv6 site-local fec0::/10 (deprecated). */
  PRIVATE,
  /** 100.64/10, carrier-grade NAT (RFC 6598). */
  SHARED,
  /** fc00::/7, IPv6 unique local addresses (RFC 4193). */
  UNIQUE_LOCAL,
  /** 127/8, ::1. */
  LOOPBACK,
  /** 169.254/16, fe80::/10. */
  LINK_LOCAL,
  /** 0.0.0.0, ::. */
  UNSPECIFIED,
  /** 224/4, ff00::/8. */
  MULTICAST;

  /** The kind of {@code address}; an IPv4-mapped IPv6 address is classified as its IPv4 address. */
  public static AddressKind of(InetAddress address) {
    InetAddress ip = IpLiteral.unmapped(address);
    byte[] bytes = ip.getAddress();
    if (ip.isAnyLocalAddress()) {
      return UNSPECIFIED;
    } else if (ip.isLoopbackAddress()) {
      return LOOPBACK;
    } else if (ip.isLinkLocalAddress()) {
      return LINK_LOCAL;
    } else if (ip.isSiteLocalAddress()) {
      return PRIVATE;
    } else if (ip.isMulticastAddress()) {
      return MULTICAST;
    } else if (ip instanceof Inet4Address) {
      // 100.64.0.0/10: first byte 100, top two bits of the second byte 01.
      return bytes[0] == 100 && (bytes[1] & 0xc0) == 0x40 ? SHARED : PUBLIC;
    } else {
      return (bytes[0] & 0xfe) == 0xfc ? UNIQUE_LOCAL : PUBLIC;
    }
  }

  public boolean isPublic() {
    return this == PUBLIC;
  }
}
