package io.herald.balancer.locate;

import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** A network in CIDR notation: {@code 10.0.0.0/8}, {@code 2001:db8::/32}. */
record CidrBlock(InetAddress network, int prefixLength) {

  /**
   * Parses {@code text}; a bare address is a /32 or /128. An IPv4-mapped IPv6 network ({@code
   * ::ffff:10.0.0.0/104}) becomes the IPv4 network it maps. Throws {@link IllegalArgumentException}
   * naming {@code text} when it is not a network.
   */
  static CidrBlock parse(String text) {
    String trimmed = text.strip();
    int slash = trimmed.lastIndexOf('/');
    String addressText = slash < 0 ? trimmed : trimmed.substring(0, slash);
    InetAddress address;
    try {
      address = IpLiteral.parse(addressText);
    } catch (IllegalArgumentException e) {
      throw invalid(text, "an IPv4 or IPv6 address before the '/'");
    }
    int bits = address.getAddress().length * 8;
    boolean mapped = address instanceof Inet4Address && addressText.indexOf(':') >= 0;
    int maxLength = mapped ? 128 : bits;
    int prefixLength = maxLength;
    if (slash >= 0) {
      String lengthText = trimmed.substring(slash + 1);
      if (lengthText.isEmpty()
          || lengthText.length() > 3
          || !lengthText.chars().allMatch(c -> c >= '0' && c <= '9')
          || Integer.parseInt(lengthText) > maxLength
          || (mapped && Integer.parseInt(lengthText) < 96)) {
        throw invalid(text, "a prefix length " + (mapped ? 96 : 0) + "-" + maxLength);
      }
      prefixLength = Integer.parseInt(lengthText);
    }
    if (mapped) {
      prefixLength -= 96;
    }
    byte[] masked = masked(address.getAddress(), prefixLength);
    CidrBlock block = new CidrBlock(byAddress(masked), prefixLength);
    if (!block.network.equals(address)) {
      throw invalid(text, "no address bits set past the prefix, as in " + block);
    }
    return block;
  }

  boolean ipv4() {
    return network instanceof Inet4Address;
  }

  /** The first {@code prefixLength} bits of {@code address} as a lookup key. */
  static BigInteger key(byte[] address, int prefixLength) {
    return new BigInteger(1, masked(address, prefixLength));
  }

  BigInteger key() {
    return key(network.getAddress(), prefixLength);
  }

  @Override
  public String toString() {
    return network.getHostAddress() + "/" + prefixLength;
  }

  private static byte[] masked(byte[] address, int prefixLength) {
    byte[] masked = address.clone();
    for (int i = 0; i < masked.length; i++) {
      int keep = Math.max(0, Math.min(8, prefixLength - i * 8));
      masked[i] &= (byte) (0xff << (8 - keep));
    }
    return masked;
  }

  private static InetAddress byAddress(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes); // no lookup: the address is given
    } catch (UnknownHostException e) {
      throw new AssertionError(e); // 4 or 16 bytes are always an address
    }
  }

  private static IllegalArgumentException invalid(String text, String expected) {
    return new IllegalArgumentException("cidr: " + text + " (expected: " + expected + ")");
  }
}
