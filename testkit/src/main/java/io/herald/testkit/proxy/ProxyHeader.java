package io.herald.testkit.proxy;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/**
 * PROXY protocol headers, written by hand from the spec (haproxy.org, proxy-protocol.txt) rather
 * than by the decoder's own library: version 1 is one text line, version 2 a 16-byte binary head
 * (signature, version/command, family/transport, length) and the addresses.
 */
public final class ProxyHeader {
  /** Version 2's 12-byte signature. */
  static final byte[] V2_SIGNATURE = {
    0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A
  };

  private ProxyHeader() {}

  /**
   * A v1 line declaring a TCP connection from {@code source} (IPv4 or IPv6 literal) to {@code
   * destination}: {@code PROXY TCP4 203.0.113.7 10.0.0.1 51000 3101\r\n}.
   */
  public static byte[] v1(String source, int sourcePort, String destination, int destPort) {
    String family = address(source) instanceof Inet4Address ? "TCP4" : "TCP6";
    return ("PROXY "
            + family
            + " "
            + source
            + " "
            + destination
            + " "
            + sourcePort
            + " "
            + destPort
            + "\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** A v1 line of what a balancer cannot name: {@code PROXY UNKNOWN\r\n}. */
  public static byte[] v1Unknown() {
    return "PROXY UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII);
  }

  /** A v2 PROXY command for a TCP connection from {@code source} to {@code destination}. */
  public static byte[] v2(String source, int sourcePort, String destination, int destPort) {
    byte[] src = address(source).getAddress();
    byte[] dst = address(destination).getAddress();
    if (src.length != dst.length) {
      throw new IllegalArgumentException("mixed families: " + source + ", " + destination);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(V2_SIGNATURE);
    out.write(0x21); // version 2, PROXY
    out.write(src.length == 4 ? 0x11 : 0x21); // AF_INET or AF_INET6, STREAM
    int length = 2 * src.length + 4;
    out.write(length >> 8);
    out.write(length & 0xFF);
    out.writeBytes(src);
    out.writeBytes(dst);
    out.write(sourcePort >> 8);
    out.write(sourcePort & 0xFF);
    out.write(destPort >> 8);
    out.write(destPort & 0xFF);
    return out.toByteArray();
  }

  /** A v2 LOCAL command: the balancer's own connection (a health check), no addresses. */
  public static byte[] v2Local() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(V2_SIGNATURE);
    out.write(0x20); // version 2, LOCAL
    out.write(0x00); // AF_UNSPEC, UNSPEC
    out.write(0);
    out.write(0);
    return out.toByteArray();
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal); // a literal: no lookup
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }
}
