/**
 * Locating a client for ranking: explicit coordinates, else the client IP through a CIDR → region
 * table, else a GeoIP database (MaxMind DB format), else a default region. See {@link
 * io.herald.balancer.locate.ClientLocator}.
 *
 * <p>Nothing here resolves host names: IP addresses are parsed from literals only ({@link
 * io.herald.balancer.locate.IpLiteral}).
 */
package io.herald.balancer.locate;
