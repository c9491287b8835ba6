package io.herald.client;

/** A node address, {@code host:port} ({@code [v6]:port} for IPv6 literals). */
record HostPort(String host, int port) {

  static HostPort parse(String address) {
    int colon = address.lastIndexOf(':');
    if (colon <= 0 || colon == address.length() - 1) {
      throw new IllegalArgumentException("node: '" + address + "' (expected: host:port)");
    }
    String host = address.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(address.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("node: '" + address + "' (expected: host:port)", e);
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("node: '" + address + "' (expected: port 1-65535)");
    }
    return new HostPort(host, port);
  }

  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
