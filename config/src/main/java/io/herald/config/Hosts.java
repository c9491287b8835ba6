package io.herald.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a host written in config is, told without a DNS lookup: a listen address that only this
 * machine reaches (loopback), one that binds every interface (wildcard), or anything else.
 */
public final class Hosts {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private Hosts() {}

  /**
   * Whether {@code host} is a loopback address ({@code 127.0.0.0/8}, {@code ::1}, an IPv4-mapped
   * loopback) or {@code localhost}. A wildcard ({@code 0.0.0.0}, {@code ::}) is not; nor is any
   * other name, since what it resolves to can change.
   */
  public static boolean isLoopback(String host) {
    if (host == null) {
      return false;
    }
    String h = unbracket(host.strip());
    if (h.equalsIgnoreCase("localhost")) {
      return true;
    }
    InetAddress literal = literal(h);
    return literal != null && literal.isLoopbackAddress();
  }

  /** Whether {@code host} binds every interface: {@code 0.0.0.0}, {@code ::} or {@code [::]}. */
  public static boolean isWildcard(String host) {
    if (host == null) {
      return false;
    }
    InetAddress literal = literal(unbracket(host.strip()));
    return literal != null && literal.isAnyLocalAddress();
  }

  /** {@code host} as the host part of {@code host:port}: an IPv6 literal in brackets. */
  public static String forAddress(String host) {
    return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  private static String unbracket(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  /** The address an IP literal names, or null for anything else (never a lookup). */
  private static InetAddress literal(String host) {
    if (IPV4.matcher(host).matches()) {
      for (String octet : host.split("\\.")) {
        if (Integer.parseInt(octet) > 255) {
          return null;
        }
      }
    } else if (host.indexOf(':') < 0
        || host.toLowerCase(Locale.ROOT).chars().anyMatch(c -> !isLiteralChar(c))) {
      return null;
    }
    try {
      return InetAddress.getByName(host); // a literal: parsed, not resolved
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static boolean isLiteralChar(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == ':' || c == '.' || c == '%';
  }
}
