package io.herald.ops.armeria;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.util.InetAddressPredicates;
import com.linecorp.armeria.server.ClientAddressSource;
import com.linecorp.armeria.server.ServerBuilder;
import java.net.InetAddress;
import java.util.List;
import java.util.function.Predicate;

/**
 * Where a Herald server behind proxies reads its clients' addresses: from {@code X-Forwarded-For}
 * when the connection comes from a trusted proxy (an address in one of the configured CIDRs), from
 * the connection itself otherwise — so a client cannot claim another address by sending the header.
 */
public final class TrustedProxies {
  private TrustedProxies() {}

  /**
   * Makes {@code builder}'s servers take a client's address from {@code X-Forwarded-For} when the
   * connection comes from one of {@code cidrs}.
   *
   * @throws IllegalArgumentException if a CIDR is malformed
   */
  public static ServerBuilder trust(ServerBuilder builder, List<String> cidrs) {
    return builder
        .clientAddressSources(ClientAddressSource.ofHeader(HttpHeaderNames.X_FORWARDED_FOR))
        .clientAddressTrustedProxyFilter(predicate(cidrs));
  }

  /**
   * Whether an address is in one of {@code cidrs} ({@code 10.0.0.0/8}, {@code fd00::/8}, or one
   * address); none: no address is.
   *
   * @throws IllegalArgumentException if a CIDR is malformed
   */
  public static Predicate<InetAddress> predicate(List<String> cidrs) {
    Predicate<InetAddress> trusted = address -> false;
    for (String cidr : cidrs) {
      trusted = trusted.or(InetAddressPredicates.ofCidr(cidr));
    }
    return trusted;
  }
}
