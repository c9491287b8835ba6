package io.herald.comet.proxy;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * A client connection's address: the one its PROXY header declared, on a listener with the PROXY
 * protocol on, else the socket's. The per-IP limits, the logs, Logic's {@code client_ip} and the
 * online report's distinct IPs all take it from here.
 *
 * <p>The declared address is a channel attribute, set only on connections whose header declared
 * one: a connection on a listener without the PROXY protocol (or with a LOCAL header) carries no
 * attribute at all.
 */
public final class ClientAddress {
  // The address alone, not an InetSocketAddress: the declared port is logged once, when the header
  // comes in, and dropping it saves 40 bytes on every idle connection behind a balancer.
  private static final AttributeKey<InetAddress> DECLARED =
      AttributeKey.valueOf(ClientAddress.class, "declared");

  private ClientAddress() {}

  /**
   * The client's IP: the declared one, or the socket peer's; {@code null} for a channel without one
   * (tests' embedded channels).
   */
  public static InetAddress inetAddress(Channel channel) {
    // hasAttr first: attr() would create the attribute on every channel asked.
    if (channel.hasAttr(DECLARED)) {
      InetAddress declared = channel.attr(DECLARED).get();
      if (declared != null) {
        return declared;
      }
    }
    SocketAddress remote = channel.remoteAddress();
    return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
  }

  /** The client's IP as text (no port), or the address's text for non-IP channels (tests). */
  public static String ip(Channel channel) {
    InetAddress address = inetAddress(channel);
    if (address != null) {
      return address.getHostAddress();
    }
    SocketAddress remote = channel.remoteAddress();
    return remote instanceof InetSocketAddress inet ? inet.getHostString() : String.valueOf(remote);
  }

  /** Records the address {@code channel}'s PROXY header declared. */
  static void declare(Channel channel, InetAddress declared) {
    channel.attr(DECLARED).set(declared);
  }
}
