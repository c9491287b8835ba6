package io.herald.balancer.locate;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * IP address literals, parsed without ever resolving a host name.
 *
 * <p>{@link InetAddress#getByName} resolves anything it does not recognise as a literal, and it
 * accepts forms such as {@code 1.2.3} or {@code 0x7f.1}. Here IPv4 must be a strict dotted quad
 * (four decimal parts 0-255, no leading zeros); IPv6 is any form {@link InetAddress} parses, with
 * or without brackets, without a zone id. IPv4-mapped IPv6 addresses ({@code ::ffff:1.2.3.4}) come
 * back as IPv4.
 */
public final class IpLiteral {

  private IpLiteral() {}

  /**
   * Parses {@code text} as an IP literal; throws {@link IllegalArgumentException} naming the text
   * if it is not one.
   */
  public static InetAddress parse(String text) {
    String literal = text.strip();
    if (literal.length() > 2 && literal.startsWith("[") && literal.endsWith("]")) {
      literal = literal.substring(1, literal.length() - 1);
    }
    try {
      if (literal.indexOf(':') >= 0) {
        // Only hex digits, ':' and '.': getByName then takes the IPv6 literal path, never DNS.
        if (!literal.chars().allMatch(IpLiteral::isIpv6Char)) {
          throw notALiteral(text);
        }
        return unmapped(InetAddress.getByName(literal));
      }
      byte[] ipv4 = parseDottedQuad(literal);
      if (ipv4 == null) {
        throw notALiteral(text);
      }
      return InetAddress.getByAddress(ipv4);
    } catch (UnknownHostException e) {
      throw notALiteral(text);
    }
  }

  /** {@code address} as IPv4 if it is an IPv4-mapped IPv6 address, else unchanged. */
  public static InetAddress unmapped(InetAddress address) {
    if (address instanceof Inet6Address) {
      byte[] bytes = address.getAddress();
      boolean mapped = bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
      for (int i = 0; i < 10 && mapped; i++) {
        mapped = bytes[i] == 0;
      }
      if (mapped) {
        try {
          return InetAddress.getByAddress(Arrays.copyOfRange(bytes, 12, 16));
        } catch (UnknownHostException e) {
          throw new AssertionError(e); // four bytes are always a valid address
        }
      }
    }
    return address;
  }

  private static byte[] parseDottedQuad(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      String part = parts[i];
      if (part.isEmpty()
          || part.length() > 3
          || (part.length() > 1 && part.charAt(0) == '0')
          || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return null;
      }
      int value = Integer.parseInt(part);
      if (value > 255) {
        return null;
      }
      bytes[i] = (byte) value;
    }
    return bytes;
  }

  private static boolean isIpv6Char(int c) {
    return (c >= '0' && c <= '9')
        || (c >= 'a' && c <= 'f')
        || (c >= 'A' && c <= 'F')
        || c == ':'
        || c == '.';
  }

  private static IllegalArgumentException notALiteral(String text) {
    return new IllegalArgumentException("'" + text + "' (expected: an IPv4 or IPv6 literal)");
  }
}
